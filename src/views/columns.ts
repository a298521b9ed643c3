/**
 * The last reading of every configured sensor, in columns (typed arrays) by `SensorDef.index`: at
 * 100k sensors an object, two boxed numbers and a map entry per sensor cost ~100 B each; a column
 * row costs 22 B. Rebuilt on a reload, carrying each sensor's row over by site and id.
 */
import { READING_STATUSES, type ReadingStatus } from '../domain/types.js';

/** Flags of a row: the sensor's fault / stale alarm is active. */
export const FAULT = 1;
export const STALE = 2;

export class SensorColumns {
  /** NaN: never heard from. */
  value: Float64Array;
  ts: Float64Array;
  /** Handle in the view's TrendStore; -1 until the first finite reading. */
  trend: Int32Array;
  /** 1 + index in READING_STATUSES; 0 before the first reading. */
  status: Uint8Array;
  flags: Uint8Array;

  constructor(readonly size: number) {
    this.value = new Float64Array(size).fill(Number.NaN);
    this.ts = new Float64Array(size).fill(Number.NaN);
    this.trend = new Int32Array(size).fill(-1);
    this.status = new Uint8Array(size);
    this.flags = new Uint8Array(size);
  }

  static statusCode(s: ReadingStatus): number {
    return READING_STATUSES.indexOf(s) + 1;
  }

  statusOf(i: number): ReadingStatus | null {
    const c = this.status[i] as number;
    return c === 0 ? null : (READING_STATUSES[c - 1] as ReadingStatus);
  }

  /** Copy row `from` of `old` to row `to` of this. */
  copyRow(old: SensorColumns, from: number, to: number): void {
    this.value[to] = old.value[from] as number;
    this.ts[to] = old.ts[from] as number;
    this.trend[to] = old.trend[from] as number;
    this.status[to] = old.status[from] as number;
    this.flags[to] = old.flags[from] as number;
  }
}
