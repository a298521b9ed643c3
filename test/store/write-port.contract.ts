/**
 * The WritePort contract (STYLE habit 9), run against every implementation: the InfluxDB store,
 * the spool-only store (no InfluxDB configured) and the in-memory port other rooms test with.
 * What holds for all: every point whose write() resolved is stored exactly once with its tags,
 * fields and time — also when the store is abandoned without stop(), as by `kill -9` — stop()
 * commits what is pending, and a stopped or unstarted port refuses points.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Point, WritePort } from '../../src/store/port.js';
import { alarmEvent, reading } from './support.js';

export interface ContractPlace {
  /** A port on this place, not started; calling again is a restart on the same place. */
  create(): WritePort;
  /** The points of one measurement stored there. */
  stored(measurement: string): Promise<Point[]>;
  dispose(): Promise<void>;
}

export interface ContractHarness {
  /** A fresh, empty place (state dir, database…) for one test. */
  fresh(): Promise<ContractPlace>;
  /** False for a port that keeps nothing across a restart (the in-memory one). */
  durable: boolean;
}

/** Empty tags are how InfluxDB stores a missing one; compare without them, in a stable order. */
export function normalize(points: Point[]): Point[] {
  const clean = points.map((p) => ({
    measurement: p.measurement,
    tags: Object.fromEntries(Object.entries(p.tags).filter(([, v]) => v !== '' && v !== null && v !== undefined)),
    fields: Object.fromEntries(Object.entries(p.fields).filter(([, v]) => v !== null && v !== undefined)),
    ts: p.ts,
  }));
  const key = (p: Point) => `${String(p.ts).padStart(16, '0')} ${JSON.stringify(Object.entries(p.tags).sort())}`;
  return clean.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function writePortContract(name: string, harness: () => ContractHarness): void {
  describe(`WritePort contract: ${name}`, () => {
    const places: ContractPlace[] = [];
    const ports: WritePort[] = [];

    async function place(): Promise<ContractPlace> {
      const p = await harness().fresh();
      places.push(p);
      return p;
    }

    async function started(p: ContractPlace): Promise<WritePort> {
      const port = p.create();
      ports.push(port);
      await port.start();
      return port;
    }

    afterEach(async () => {
      for (const port of ports.splice(0)) await port.stop();
      for (const p of places.splice(0)) await p.dispose();
    });

    it('stores every point of many small concurrent writes exactly once', async () => {
      const p = await place();
      const port = await started(p);
      const all: Point[] = [];
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 400; i++) {
        const pts = i % 50 === 7 ? [alarmEvent(i * 4)] : [reading(i * 4, `S${i % 5}`), reading(i * 4 + 1, `S${i % 5}`)];
        all.push(...pts);
        writes.push(port.write(pts));
      }
      await Promise.all(writes);
      await port.flush();
      const of = (m: string) => normalize(all.filter((x) => x.measurement === m));
      expect(normalize(await p.stored('reading'))).toEqual(of('reading'));
      expect(normalize(await p.stored('alarm_event'))).toEqual(of('alarm_event'));
    });

    it('keeps float values, string fields and awkward names as written', async () => {
      const p = await place();
      const port = await started(p);
      const pts: Point[] = [
        { ...reading(1), fields: { value: 12 } },
        { ...reading(2), fields: { value: 12.25 } },
        { ...reading(3), tags: { ...reading(3).tags, asset: '', sensor: 'tank 2,inlet=A' }, fields: { value: -0.001 } },
        alarmEvent(4, 'acked by "wang", said: \\ok\\\nsecond line, 温度 ✓'),
        { ...alarmEvent(5), fields: { state: 'normal', value: 1e-7, threshold: 1e15, silenced: true } },
      ];
      await port.write(pts);
      await port.flush();
      expect(normalize(await p.stored('reading'))).toEqual(normalize(pts.slice(0, 3)));
      expect(normalize(await p.stored('alarm_event'))).toEqual(normalize(pts.slice(3)));
    });

    it('keeps what it resolved when abandoned without stop, as by kill -9', async (ctx) => {
      // A port that keeps nothing on disk (the memory store) has no such promise: reported as skipped.
      if (!harness().durable) ctx.skip();
      const p = await place();
      const first = await started(p);
      const pts = Array.from({ length: 30 }, (_, i) => reading(i));
      await Promise.all(pts.map((x) => first.write([x])));
      // No stop(): the next instance finds whatever the first left behind.
      const second = await started(p);
      await second.flush();
      expect(normalize(await p.stored('reading'))).toEqual(normalize(pts));
    });

    it('commits pending points on stop', async () => {
      const p = await place();
      const port = await started(p);
      const pts = Array.from({ length: 25 }, (_, i) => reading(i));
      const writes = pts.map((x) => port.write([x]));
      await port.stop();
      await Promise.all(writes);
      expect(normalize(await p.stored('reading'))).toEqual(normalize(pts));
    });

    it('refuses points before start and after stop; an empty write or flush is a no-op', async () => {
      const p = await place();
      const port = p.create();
      ports.push(port);
      await expect(port.write([reading(1)])).rejects.toThrow();
      await port.start();
      await expect(port.write([])).resolves.toBeUndefined();
      await expect(port.flush()).resolves.toBeUndefined();
      await port.stop();
      await expect(port.write([reading(2)])).rejects.toThrow();
      expect(await p.stored('reading')).toEqual([]);
    });
  });
}
