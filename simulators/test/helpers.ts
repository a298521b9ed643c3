import type { SimMessage } from '../src/index.js';

/** 08:00 local (UTC+8) on the day of the Zhangjiakou accident's anniversary. */
export const START = Date.UTC(2026, 10, 28, 0, 0, 0);

export interface Point {
  /** ms after START */
  t: number;
  value: number;
  unit: string;
}

/** The readings of one sensor (`site/id`) in time order, flattened out of batches. */
export function series(messages: Iterable<SimMessage>, key: string, start = START): Point[] {
  const out: Point[] = [];
  for (const m of messages) {
    if (`${m.site}/${m.sensor}` !== key) continue;
    for (const r of m.readings) out.push({ t: (r.ts ?? m.at) - start, value: r.value, unit: r.unit });
  }
  return out;
}

export function bySensor(messages: Iterable<SimMessage>): Map<string, SimMessage[]> {
  const map = new Map<string, SimMessage[]>();
  for (const m of messages) {
    const k = `${m.site}/${m.sensor}`;
    let list = map.get(k);
    if (list === undefined) {
      list = [];
      map.set(k, list);
    }
    list.push(m);
  }
  return map;
}

/** Time (ms after start) of the first reading at or above `threshold`, or undefined. */
export function firstCrossing(points: readonly Point[], threshold: number, after = Number.NEGATIVE_INFINITY) {
  return points.find((p) => p.t >= after && p.value >= threshold)?.t;
}

/** Largest fall of the value within any window of `windowMs`. */
export function maxFallWithin(points: readonly Point[], windowMs: number): number {
  let worst = 0;
  let j = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    while ((points[j]?.t ?? p.t) < p.t - windowMs) j++;
    for (let k = j; k < i; k++) worst = Math.max(worst, points[k]!.value - p.value);
  }
  return worst;
}
