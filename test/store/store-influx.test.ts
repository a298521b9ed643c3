/**
 * The store against a real InfluxDB 1.6.7: the WritePort contract, exact counts, an outage in
 * the middle of a stream, the spool bound hit during an outage, a spool left by an earlier run
 * (also with a torn last line), quarantine of bad points, a dropped database and a hung server.
 */
import { appendFile, readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Point } from '../../src/store/port.js';
import { createStore, type Store, type StoreOptions } from '../../src/store/store.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { type Influxd, startInfluxd } from '../helpers/influxd.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait.js';
import { alarmEvent, influxConfig, reading, readSpoolDir, T0, tempDir } from './support.js';
import { type ContractHarness, writePortContract } from './write-port.contract.js';

const logger = silentLogger();
let influxd: Influxd;
let dbSeq = 0;

beforeAll(async () => {
  influxd = await startInfluxd();
});

afterAll(async () => {
  await influxd?.stop();
});

const fastRetry = { retryInitialMs: 50, retryMaxMs: 400, probeTimeoutMs: 500, requestTimeoutMs: 5000 };

async function storedPoints(db: string, m: string): Promise<Point[]> {
  const tagKeys = new Set((await influxd.query(`SHOW TAG KEYS FROM "${m}"`, db)).map((r) => String(r['tagKey'])));
  const rows = await influxd.query(`SELECT * FROM "${m}"`, db);
  return rows.map((row) => {
    const p: Point = { measurement: m, tags: {}, fields: {}, ts: Number(row['time']) };
    for (const [k, v] of Object.entries(row)) {
      if (k === 'time' || v === null) continue;
      if (tagKeys.has(k)) p.tags[k] = String(v);
      else p.fields[k] = v as number | string | boolean;
    }
    return p;
  });
}

writePortContract(
  'InfluxDB',
  (): ContractHarness => ({
    durable: true,
    async fresh() {
      const tmp = await tempDir();
      const database = `contract${++dbSeq}`;
      return {
        create: () =>
          createStore({
            influx: influxConfig({ url: influxd.url, database }),
            stateDir: tmp.dir,
            clock: systemClock,
            logger,
            tuning: fastRetry,
          }),
        stored: (m) => storedPoints(database, m),
        dispose: () => tmp.remove(),
      };
    },
  }),
);

describe('store with InfluxDB', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
    if (!influxd.running) await influxd.restart();
  });

  async function newStore(over: Partial<StoreOptions['influx']> = {}, stateDir?: string, tuning = {}) {
    const dir = stateDir ?? (await tempDir()).dir;
    const database = over.database ?? `it${++dbSeq}`;
    const store: Store = createStore({
      influx: influxConfig({ url: influxd.url, database, ...over }),
      stateDir: dir,
      clock: systemClock,
      logger,
      tuning: { ...fastRetry, ...tuning },
    });
    await store.start();
    cleanup.push(() => store.stop());
    return { store, database, dir };
  }

  /** Writes like ingest does: one write per message, not awaited, until told to stop. */
  function producer(store: Store, makePoints: (seq: number) => Point[]) {
    const writes: Promise<void>[] = [];
    let seq = 0;
    let points = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < 5; i++) {
        const pts = makePoints(seq++);
        points += pts.length;
        writes.push(store.write(pts));
      }
    }, 2);
    return {
      get points() {
        return points;
      },
      async end() {
        clearInterval(timer);
        await Promise.all(writes);
      },
    };
  }

  it('counts every point exactly', async () => {
    const { store, database } = await newStore({ batchSize: 1000 });
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 10_000; i++) writes.push(store.write([reading(2 * i, 'A'), reading(2 * i + 1, 'B')]));
    await Promise.all(writes);
    await store.flush();
    expect(await influxd.count(database, 'reading')).toBe(20_000);
    expect(store.stats()).toMatchObject({ written: 20_000, spoolSegments: 0, dropped: 0, quarantined: 0 });
  });

  it('loses nothing when InfluxDB stops mid-stream and comes back', async () => {
    const { store, database } = await newStore({ batchSize: 200 });
    const prod = producer(store, (seq) => [reading(2 * seq, 'A'), reading(2 * seq + 1, 'B')]);
    await waitFor(() => store.stats().written >= 500, { message: 'first points written' });
    await influxd.stopForOutage();
    await waitFor(() => !store.stats().connected && store.stats().spoolBytes > 50_000, {
      message: 'points spooled during the outage',
    });
    await influxd.restart();
    await waitFor(() => store.stats().connected, { timeout: 20_000, message: 'store reconnected' });
    const after = prod.points;
    await waitFor(() => prod.points > after + 500, { message: 'live points after the outage' });
    await prod.end();
    await store.flush();
    expect(await influxd.count(database, 'reading')).toBe(prod.points);
    expect(store.stats().replayed).toBeGreaterThan(0);
    expect(store.stats().retries).toBeGreaterThan(0);
    expect(store.stats()).toMatchObject({ spoolSegments: 0, spoolBytes: 0, dropped: 0 });
  });

  it('drops the oldest telemetry when the spool fills in an outage, counts it exactly, writes every event', async () => {
    const maxBytes = 32 * 1024;
    const { store, database } = await newStore({ batchSize: 10, spoolMaxBytes: maxBytes }, undefined, {
      segmentBytes: 4096,
    });
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.write([reading(i)])));
    await store.flush();
    await influxd.stopForOutage();
    const outage: Point[] = [];
    for (let i = 100; i < 2100; i += 10) {
      const group = Array.from({ length: 10 }, (_, k) =>
        k === 3 && i % 50 === 0 ? alarmEvent(i + k) : reading(i + k),
      );
      outage.push(...group);
      await Promise.all(group.map((p) => store.write([p])));
      expect(store.stats().spoolBytes).toBeLessThanOrEqual(maxBytes);
    }
    const { dropped } = store.stats();
    expect(dropped).toBeGreaterThan(0);
    await influxd.restart();
    await waitFor(() => store.stats().connected, { timeout: 20_000, message: 'store reconnected' });
    await store.flush();
    const outageReadings = outage.filter((p) => p.measurement === 'reading').map((p) => p.ts - T0);
    const stored = (await storedPoints(database, 'reading')).map((p) => p.ts - T0);
    expect(stored.length).toBe(100 + outageReadings.length - dropped);
    // What survived of the outage is its newest telemetry.
    expect(stored.filter((s) => s >= 100)).toEqual(outageReadings.slice(dropped));
    const events = outage.filter((p) => p.measurement === 'alarm_event');
    expect(events.length).toBe(40);
    expect(await influxd.count(database, 'alarm_event')).toBe(events.length);
    expect(store.stats().dropped).toBe(dropped);
  });

  it('replays at start the spool an earlier run left while InfluxDB was down, skipping a torn line', async () => {
    const { dir } = await tempDir();
    const database = `it${++dbSeq}`;
    const dead = `http://127.0.0.1:${await freePort()}`;
    const before = Date.now();
    const first = await newStore({ url: dead, database }, dir);
    expect(Date.now() - before).toBeLessThan(5000);
    expect(first.store.stats().connected).toBe(false);
    const pts = Array.from({ length: 500 }, (_, i) => (i % 100 === 0 ? alarmEvent(i) : reading(i)));
    await Promise.all(pts.map((p) => first.store.write([p])));
    await first.store.stop();
    const segs = (await readdir(path.join(dir, 'spool'))).sort();
    expect(segs.length).toBeGreaterThan(0);
    await appendFile(path.join(dir, 'spool', segs.at(-1)!), 'T ["reading",{"site":"zj');

    const second = await newStore({ database }, dir);
    await second.store.flush();
    expect(await influxd.count(database, 'reading')).toBe(495);
    expect(await influxd.count(database, 'alarm_event')).toBe(5);
    expect(second.store.stats()).toMatchObject({ replayed: 500, torn: 1, spoolSegments: 0 });
    expect(await readdir(path.join(dir, 'spool'))).toEqual([]);
  });

  it('resumes a replay that an outage cut short, and loses nothing', async () => {
    const { dir } = await tempDir();
    const database = `it${++dbSeq}`;
    const dead = `http://127.0.0.1:${await freePort()}`;
    const filler = await newStore({ url: dead, database, batchSize: 1000 }, dir);
    const pts = Array.from({ length: 30_000 }, (_, i) => reading(i, `S${i % 7}`));
    for (let i = 0; i < pts.length; i += 1000) await filler.store.write(pts.slice(i, i + 1000));
    await filler.store.stop();

    const { store } = await newStore({ database, batchSize: 100 }, dir, { commitConcurrency: 1 });
    await waitFor(() => store.stats().replayed >= 3000, { message: 'replay under way' });
    await influxd.stopForOutage();
    expect(store.stats().replayed).toBeLessThan(pts.length);
    await influxd.restart();
    await store.flush();
    await waitFor(async () => (await influxd.count(database, 'reading')) === pts.length, {
      timeout: 20_000,
      message: 'every spooled point in InfluxDB',
    });
    // The last segment is removed once its last write is confirmed, a moment after the count shows it.
    await waitFor(() => store.stats().spoolSegments === 0, { message: 'the spool emptied' });
    expect(store.stats()).toMatchObject({ spoolSegments: 0, torn: 0, quarantined: 0 });
  });

  it('quarantines a point InfluxDB refuses and writes the rest of its batch', async () => {
    const database = `it${++dbSeq}`;
    await influxd.createDatabase(database);
    // `operator` first written as a float: a string operator is now a field type conflict.
    await influxd.write(database, `alarm_event,site=x operator=1 ${T0}`);
    const { store, dir } = await newStore({ database, batchSize: 1000, flushInterval: 50 });
    const bad = { ...alarmEvent(50), fields: { ...alarmEvent(50).fields, operator: 'wang' } };
    const batch = [...Array.from({ length: 99 }, (_, i) => reading(i)), bad];
    await Promise.all(batch.map((p) => store.write([p])));
    await store.flush();
    expect(await influxd.count(database, 'reading')).toBe(99);
    expect(store.stats()).toMatchObject({ written: 99, quarantined: 1 });
    const lines = (await readFile(path.join(dir, 'quarantine.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    const q = JSON.parse(lines[0]!) as { error: string; point: Point };
    expect(q.error).toMatch(/field type conflict/);
    expect(q.point).toEqual(bad);
    // Never retried, never blocking: the next points go through.
    await store.write([reading(200), reading(201)]);
    expect(await influxd.count(database, 'reading')).toBe(101);
    expect(store.stats().quarantined).toBe(1);
  });

  it('quarantines a batch refused whole in one request, without splitting it point by point', async () => {
    const database = `it${++dbSeq}`;
    await influxd.createDatabase(database);
    await influxd.write(database, `reading,site=x value=1i ${T0 - 1}`);
    const { store } = await newStore({ database, batchSize: 500 });
    await Promise.all(Array.from({ length: 500 }, (_, i) => store.write([reading(i)])));
    expect(store.stats()).toMatchObject({ quarantined: 500, written: 0, spoolSegments: 0 });
    expect(store.stats().retries).toBeLessThan(5);
  });

  it('creates the database again when it is dropped under it', async () => {
    const { store, database } = await newStore();
    await store.write([reading(1)]);
    await influxd.query(`DROP DATABASE "${database}"`);
    await store.write([reading(2)]);
    expect(await influxd.count(database, 'reading')).toBe(1);
    expect(store.stats()).toMatchObject({ written: 2, spoolSegments: 0 });
  });

  it('spools on stop what a hung InfluxDB does not take within the stop timeout', async () => {
    let writesSeen = 0;
    const hung = http.createServer((req, res) => {
      if (req.url?.startsWith('/ping')) return void res.writeHead(204).end();
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (body === '') res.writeHead(204).end();
        else writesSeen++; // never answered
      });
    });
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    cleanup.push(async () => {
      hung.closeAllConnections();
      await new Promise((r) => hung.close(r));
    });
    const url = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
    const { store, dir } = await newStore({ url, flushInterval: 10 }, undefined, {
      stopTimeoutMs: 300,
      requestTimeoutMs: 60_000,
    });
    expect(store.stats().connected).toBe(true);
    const pts = Array.from({ length: 10 }, (_, i) => reading(i));
    const writes = pts.map((p) => store.write([p]));
    await waitFor(() => writesSeen > 0, { message: 'a write reached the hung server' });
    const before = Date.now();
    await store.stop();
    expect(Date.now() - before).toBeLessThan(3000);
    await Promise.all(writes);
    expect(await readSpoolDir(path.join(dir, 'spool'), logger)).toEqual(pts);
  });
});
