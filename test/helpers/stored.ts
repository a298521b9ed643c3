/**
 * "Nothing lost" checks shared by the fault-injection tests: what the simulators sent against what
 * InfluxDB holds, series by series, timestamp and value.
 */
import type { PublishedMessage } from 'gaswatch-simulators';
import { expect } from 'vitest';
import type { Influxd } from './influxd.js';
import { waitFor } from './wait.js';

export type Series = Map<string, Array<[ts: number, value: number]>>;

/** What the sensors sent, per `site/sensor`, in the order they sent it. */
export function sentSeries(messages: PublishedMessage[]): Series {
  const out: Series = new Map();
  for (const m of messages)
    for (const r of m.readings) {
      const key = `${m.site}/${m.sensor}`;
      const list = out.get(key) ?? [];
      if (list.length === 0) out.set(key, list);
      list.push([r.ts as number, r.value]);
    }
  return out;
}

/** What InfluxDB holds, per `site/sensor`, in its time order. */
export async function storedSeries(influx: Influxd, db: string): Promise<Series> {
  const out: Series = new Map();
  for (const row of await influx.query('SELECT value FROM reading GROUP BY site, sensor', db)) {
    const key = `${row.site}/${row.sensor}`;
    const list = out.get(key) ?? [];
    if (list.length === 0) out.set(key, list);
    list.push([row.time as number, row.value as number]);
  }
  return out;
}

/** Waits until InfluxDB holds `expected` readings, or until the count stops moving for 5 s. */
export async function settledCount(influx: Influxd, db: string, expected: number, timeout = 60_000): Promise<number> {
  let last = -1;
  let movedAt = performance.now();
  await waitFor(
    async () => {
      const n = await influx.count(db, 'reading');
      if (n !== last) [last, movedAt] = [n, performance.now()];
      return n >= expected || performance.now() - movedAt > 5000;
    },
    { timeout, interval: 250, message: `${expected} readings in ${db}` },
  );
  return last;
}

/** Every reading sent is in InfluxDB exactly once, with its timestamp and value, in each sensor's order. */
export async function expectAllStored(
  influx: Influxd,
  db: string,
  messages: PublishedMessage[],
  total: number,
): Promise<void> {
  await settledCount(influx, db, total);
  const want = sentSeries(messages);
  const have = await storedSeries(influx, db);
  expect([...have.values()].reduce((n, l) => n + l.length, 0)).toBe(total);
  expect([...have.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [key, list] of want) expect(have.get(key), key).toEqual(list);
}

/** `sites` load sites of `sensors` methane detectors in ppm each, as the `load` scenario publishes them. */
export function loadFleet(sites: number, sensors: number): { profiles: unknown; sites: Record<string, unknown> } {
  const out: Record<string, unknown> = {};
  for (let i = 1; i <= sites; i++) {
    const id = `load-${String(i).padStart(4, '0')}`;
    out[id] = {
      id,
      type: 'station',
      sensors: Array.from({ length: sensors }, (_, j) => ({
        id: `S-${String(j + 1).padStart(4, '0')}`,
        kind: 'gas',
        gas: 'methane',
        unit: 'ppm',
        profile: 'methane-ppm',
        interval: '1h',
      })),
    };
  }
  return {
    profiles: {
      'methane-ppm': { unit: 'ppm', range: [0, 100_000], setpoints: { hi: { value: 5000, priority: 'high' } } },
    },
    sites: out,
  };
}
