/**
 * Store benchmark: points/s through the store into a real influxd (with the ack latency a message
 * sees), spool append throughput with one fsync per group commit, and spool replay throughput.
 * Run by `npm run bench` or alone after a build: `node dist/bench/store.js [points]`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MainConfig } from '../src/config/schema.js';
import type { Point } from '../src/store/port.js';
import { Spool } from '../src/store/spool.js';
import { type CommitInfo, createStore, type Store } from '../src/store/store.js';
import { systemClock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/logger.js';
import { type Influxd, startInfluxd } from '../test/helpers/influxd.js';

const logger = silentLogger();
const T0 = Date.parse('2026-11-28T08:00:00.000Z');

function point(i: number): Point {
  return {
    measurement: 'reading',
    tags: {
      site: `site-${i % 1000}`,
      sensor: `S-${i % 100_000}`,
      kind: 'gas',
      asset: 'a',
      unit: 'ppm',
      configured: 'true',
    },
    fields: { value: (i % 997) + 0.25 },
    ts: T0 + Math.floor(i / 100_000) * 1000 + (i % 1000),
  };
}

function config(over: Partial<MainConfig['influx']>): MainConfig['influx'] {
  return {
    enabled: true,
    url: 'http://127.0.0.1:8086',
    database: 'bench',
    batchSize: 5000,
    flushInterval: 200,
    spoolMaxBytes: 4 * 1024 ** 3,
    ...over,
  };
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Offers `messages` writes of `perMessage` points, yielding to I/O every 5000 messages as a socket would. */
async function drive(store: Store, messages: number, perMessage: number): Promise<number> {
  const start = performance.now();
  const writes: Promise<void>[] = [];
  let i = 0;
  for (let m = 0; m < messages; m++) {
    const pts: Point[] = [];
    for (let k = 0; k < perMessage; k++) pts.push(point(i++));
    writes.push(store.write(pts));
    if (m % 5000 === 4999) await new Promise((r) => setImmediate(r));
  }
  await Promise.all(writes);
  await store.flush();
  return (performance.now() - start) / 1000;
}

function line(label: string, points: number, seconds: number, extra = ''): void {
  const rate = Math.round(points / seconds).toLocaleString('en-US');
  console.log(`  ${label.padEnd(44)} ${rate.padStart(10)} points/s  (${points} in ${seconds.toFixed(2)} s)${extra}`);
}

async function throughInflux(influxd: Influxd, dir: string, points: number): Promise<void> {
  const commits: CommitInfo[] = [];
  const store = createStore({
    influx: config({ url: influxd.url, database: 'live' }),
    stateDir: path.join(dir, 'live'),
    clock: systemClock,
    logger,
    onCommit: (c) => commits.push(c),
  });
  await store.start();
  const seconds = await drive(store, points / 2, 2);
  await store.stop();
  const stored = await influxd.count('live', 'reading');
  const acks = commits.map((c) => c.ms + c.waitedMs).sort((a, b) => a - b);
  const sizes = commits.map((c) => c.points);
  line('store → influxd (2 points/message)', points, seconds);
  console.log(
    `    stored ${stored}/${points}; ${commits.length} commits, mean ${Math.round(points / commits.length)} points;` +
      ` ack latency p50 ${pct(acks, 50)} ms, p99 ${pct(acks, 99)} ms, max ${Math.max(...sizes)} points/commit`,
  );
}

/** A steady load, as 100k sensors reporting every 5 s would make: the ack delay a message sees. */
async function paced(influxd: Influxd, dir: string, pointsPerSecond: number, seconds: number): Promise<void> {
  const commits: CommitInfo[] = [];
  const store = createStore({
    influx: config({ url: influxd.url, database: 'paced' }),
    stateDir: path.join(dir, 'paced'),
    clock: systemClock,
    logger,
    onCommit: (c) => commits.push(c),
  });
  await store.start();
  const perTick = pointsPerSecond / 100 / 2;
  const writes: Promise<void>[] = [];
  let i = 0;
  const start = performance.now();
  for (let tick = 0; tick < seconds * 100; tick++) {
    for (let m = 0; m < perTick; m++) writes.push(store.write([point(i++), point(i++)]));
    const next = start + (tick + 1) * 10;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  await Promise.all(writes);
  await store.stop();
  const acks = commits.map((c) => c.ms + c.waitedMs).sort((a, b) => a - b);
  const ms = commits.map((c) => c.ms).sort((a, b) => a - b);
  console.log(
    `  steady ${pointsPerSecond} points/s for ${seconds} s → influxd: ${commits.length} commits;` +
      ` write p50 ${pct(ms, 50)} ms, p99 ${pct(ms, 99)} ms; ack delay p50 ${pct(acks, 50)} ms, p99 ${pct(acks, 99)} ms`,
  );
}

async function spoolAppend(dir: string, points: number): Promise<void> {
  const store = createStore({
    influx: config({ enabled: false }),
    stateDir: path.join(dir, 'spool-only'),
    clock: systemClock,
    logger,
  });
  await store.start();
  const seconds = await drive(store, points / 2, 2);
  const { spoolBytes } = store.stats();
  await store.stop();
  line(
    'store → spool only (group commit, fsync)',
    points,
    seconds,
    `, ${(spoolBytes / seconds / 1e6).toFixed(1)} MB/s`,
  );
  for (const size of [1, 100, 5000]) {
    const spool = new Spool({ dir: path.join(dir, `raw-${size}`), maxBytes: 4 * 1024 ** 3, logger, now: Date.now });
    await spool.open();
    const appends = size === 1 ? 300 : Math.max(20, Math.min(300, points / size / 4));
    const batch = Array.from({ length: size }, (_, i) => point(i));
    const start = performance.now();
    for (let a = 0; a < appends; a++) await spool.append(batch);
    const s = (performance.now() - start) / 1000;
    await spool.close();
    line(
      `spool.append of ${size} point(s) + fsync`,
      appends * size,
      s,
      `, ${((s / appends) * 1000).toFixed(2)} ms/append`,
    );
  }
}

async function replay(influxd: Influxd, dir: string, points: number): Promise<void> {
  const stateDir = path.join(dir, 'replay');
  const filler = createStore({ influx: config({ enabled: false }), stateDir, clock: systemClock, logger });
  await filler.start();
  await drive(filler, points / 2, 2);
  await filler.stop();
  const store = createStore({
    influx: config({ url: influxd.url, database: 'replay' }),
    stateDir,
    clock: systemClock,
    logger,
  });
  const start = performance.now();
  await store.start();
  await store.flush();
  const seconds = (performance.now() - start) / 1000;
  const { replayed } = store.stats();
  await store.stop();
  line('spool replay → influxd', replayed, seconds, `; stored ${await influxd.count('replay', 'reading')}`);
}

export async function benchStore(points = 200_000): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gaswatch-bench-store-'));
  const influxd = await startInfluxd();
  try {
    console.log(`store (${points} points, batchSize 5000, flushInterval 200 ms, InfluxDB 1.6.7 on loopback)`);
    await throughInflux(influxd, dir, points);
    await paced(influxd, dir, 20_000, 3);
    await spoolAppend(dir, points);
    await replay(influxd, dir, points);
  } finally {
    await influxd.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 200_000);
  benchStore(Number.isFinite(n) && n > 0 ? n : 200_000).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
