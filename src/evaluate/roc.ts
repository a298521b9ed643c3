/**
 * Rate of change over a window `per`, on the readings' own timestamps (SPEC §2): active while the
 * value has risen by ≥ `rise` from the window's minimum, or fallen by ≥ `fall` from its maximum.
 * A rupture shows as a pressure fall of several MPa a minute. Pure: the window is a value the caller
 * keeps per sensor.
 */
import type { RocDef } from '../domain/sensor.js';

export interface RocSample {
  ts: number;
  value: number;
}

/** Add a sample and drop those older than `per` before the newest timestamp. Returns a new array. */
export function pushSample(window: readonly RocSample[], sample: RocSample, per: number): RocSample[] {
  const n = window.length;
  if (n === 0 || sample.ts >= (window[n - 1] as RocSample).ts) {
    // In order, the common case: one array of the right size, no second pass.
    let first = 0;
    while (first < n && (window[first] as RocSample).ts < sample.ts - per) first++;
    const out = new Array<RocSample>(n - first + 1);
    for (let i = first; i < n; i++) out[i - first] = window[i] as RocSample;
    out[n - first] = sample;
    return out;
  }
  const out: RocSample[] = [];
  let inserted = false;
  for (const s of window) {
    if (!inserted && sample.ts < s.ts) {
      out.push(sample);
      inserted = true;
    }
    out.push(s);
  }
  if (!inserted) out.push(sample);
  const newest = (out[out.length - 1] as RocSample).ts;
  let first = 0;
  while (first < out.length && (out[first] as RocSample).ts < newest - per) first++;
  return first === 0 ? out : out.slice(first);
}

export interface RocResult {
  active: boolean;
  /** The change that decided it, signed, in the sensor unit. */
  change: number;
  direction: 'rise' | 'fall' | null;
}

export function evaluateRoc(def: RocDef, window: readonly RocSample[]): RocResult {
  const last = window[window.length - 1];
  if (!last) return { active: false, change: 0, direction: null };
  let min = last.value;
  let max = last.value;
  for (const s of window) {
    if (s.value < min) min = s.value;
    if (s.value > max) max = s.value;
  }
  const fell = max - last.value;
  const rose = last.value - min;
  if (def.fall !== undefined && fell >= def.fall) return { active: true, change: -fell, direction: 'fall' };
  if (def.rise !== undefined && rose >= def.rise) return { active: true, change: rose, direction: 'rise' };
  return { active: false, change: fell >= rose ? -fell : rose, direction: null };
}
