/**
 * Readings being lost is an alarm about the monitor itself, not just a metric (SPEC §5): when the
 * spool is full and drops the oldest telemetry, `_gaswatch/spool-full/system` is raised; it clears
 * once the spool has drained below half its bound.
 */
import type { SystemAlarms } from '../domain/ports.js';
import type { Clock, Timer } from '../util/clock.js';
import type { StoreStats } from './port.js';

export const SPOOL_FULL_ALARM = 'spool-full';

export interface SpoolWatchOptions {
  stats: () => Pick<StoreStats, 'dropped' | 'spoolBytes'>;
  alarms: SystemAlarms;
  maxBytes: number;
  clock: Clock;
  /** Called with the number of points newly dropped (the metric). */
  onDropped?: (n: number) => void;
}

export class SpoolWatch {
  private seen = 0;
  private full = false;
  private timer: Timer | undefined;

  constructor(private readonly o: SpoolWatchOptions) {}

  start(): void {
    this.seen = this.o.stats().dropped;
    this.timer = this.o.clock.setInterval(() => this.check(), 1000);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** After every commit of the store: did it drop points? */
  check(): void {
    const { dropped, spoolBytes } = this.o.stats();
    if (dropped > this.seen) {
      this.o.onDropped?.(dropped - this.seen);
      this.full = true;
      this.o.alarms.set(SPOOL_FULL_ALARM, true, 'high', { key: 'spoolFull', vars: { count: dropped } }, dropped);
    } else if (this.full && spoolBytes < this.o.maxBytes / 2) {
      this.full = false;
      this.o.alarms.set(SPOOL_FULL_ALARM, false, 'high', '');
    }
    this.seen = dropped;
  }
}
