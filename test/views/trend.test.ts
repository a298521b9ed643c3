import { describe, expect, it } from 'vitest';
import { TrendStore } from '../../src/views/trend.js';

const T0 = Date.parse('2026-11-28T08:00:00.000Z');
const S = 1000;
const MIN = 60 * S;

function feed(store: TrendStore, points: [ts: number, value: number][], handle = -1): number {
  for (const [ts, value] of points) handle = store.add(handle, ts, value);
  return handle;
}

describe('TrendStore', () => {
  it('has nothing for a sensor never heard from', () => {
    expect(new TrendStore().points(-1, T0)).toEqual([]);
  });

  it('keeps the latest value of each 30 s bucket, oldest first, with the second of the reading', () => {
    const store = new TrendStore();
    const h = feed(store, [
      [T0 + 1 * S, 1],
      [T0 + 10 * S, 2],
      [T0 + 31 * S, 3],
      [T0 + 65 * S, 4.5],
    ]);
    expect(store.points(h, T0 + 70 * S)).toEqual([
      { ts: T0 + 10 * S, value: 2 },
      { ts: T0 + 31 * S, value: 3 },
      { ts: T0 + 65 * S, value: 4.5 },
    ]);
  });

  it('ignores a reading older than the newest bucket', () => {
    const store = new TrendStore();
    const h = feed(store, [
      [T0 + 90 * S, 1],
      [T0 + 10 * S, 99],
    ]);
    expect(store.points(h, T0 + 100 * S)).toEqual([{ ts: T0 + 90 * S, value: 1 }]);
  });

  it('grows past its first 4 points while they are inside the hour, and shows only the last hour', () => {
    const store = new TrendStore();
    const readings: [number, number][] = Array.from({ length: 200 }, (_, i) => [T0 + i * 30 * S, i]);
    const h = feed(store, readings);
    const now = T0 + 199 * 30 * S;
    const pts = store.points(h, now);
    expect(pts.map((p) => p.value)).toEqual(Array.from({ length: 120 }, (_, i) => 80 + i));
    expect(pts.every((p) => p.ts >= now - 60 * MIN && p.ts <= now)).toBe(true);
  });

  it('keeps a slow sensor small: four points cover its hour', () => {
    const store = new TrendStore();
    const h = feed(
      store,
      Array.from({ length: 50 }, (_, i) => [T0 + i * 20 * MIN, i] as [number, number]),
    );
    const now = T0 + 49 * 20 * MIN;
    // The hour is inclusive: the reading of exactly an hour ago is shown.
    expect(store.points(h, now).map((p) => p.value)).toEqual([46, 47, 48, 49]);
    // Only the smallest class was ever allocated.
    const small = new TrendStore();
    small.add(-1, T0, 1);
    expect(store.bytes).toBe(small.bytes);
  });

  it('keeps exact times across days (offsets are rebased before they overflow)', () => {
    const store = new TrendStore();
    const readings: [number, number][] = Array.from({ length: 30 * 24 * 2 }, (_, i) => [T0 + i * 2 * MIN + 7 * S, i]);
    const h = feed(store, readings);
    const now = (readings.at(-1) as [number, number])[0];
    const pts = store.points(h, now);
    expect(pts).toHaveLength(31);
    expect(pts.at(-1)).toEqual({ ts: now, value: readings.length - 1 });
    expect(pts[0]).toEqual({ ts: now - 60 * MIN, value: readings.length - 31 });
  });

  it('keeps sensors apart, and a slot given up by a growing sensor starts empty for the next', () => {
    const store = new TrendStore();
    let a = -1;
    let b = -1;
    for (let i = 0; i < 6; i++) {
      a = store.add(a, T0 + i * 30 * S, 100 + i);
      b = store.add(b, T0 + i * 30 * S + 5 * S, 200 + i);
    }
    const c = store.add(-1, T0 + 10 * MIN, 7);
    const now = T0 + 11 * MIN;
    expect(store.points(a, now).map((p) => p.value)).toEqual([100, 101, 102, 103, 104, 105]);
    expect(store.points(b, now).map((p) => p.value)).toEqual([200, 201, 202, 203, 204, 205]);
    expect(store.points(c, now)).toEqual([{ ts: T0 + 10 * MIN, value: 7 }]);
  });

  it('keeps values at Float32 precision', () => {
    const store = new TrendStore();
    const h = store.add(-1, T0, 17600.25);
    expect(store.points(h, T0)[0]?.value).toBe(17600.25);
  });
});
