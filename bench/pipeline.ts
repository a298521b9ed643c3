/**
 * Hot-path benchmark, in process: MQTT payload → decode → normalize → evaluate/alarms → store port,
 * for a province-sized fleet (default 1,000 sites × 100 sensors = 100k sensors). The store is
 * src/store/memory.ts (emptied between rounds): this measures the daemon's own CPU per reading
 * and where its memory goes, not the broker or InfluxDB (bench/throughput.ts measures those).
 *
 * Memory is V8 heap after a full GC (run with --expose-gc, as `npm run bench` does): the resolved
 * config, the per-sensor runtime state the engine creates for every declared sensor, and trend
 * buffers — after one reading per sensor and, filled directly, a full hour for every sensor.
 */
import { AlarmEngine } from '../src/alarms/engine.js';

import { resolveSites } from '../src/config/resolve.js';
import { Main, ProfilesFile, Site } from '../src/config/schema.js';
import { compilePattern } from '../src/ingest/topics.js';
import { Pipeline } from '../src/pipeline/pipeline.js';
import { MemoryStore } from '../src/store/memory.js';
import { systemClock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/logger.js';
import { SensorView } from '../src/views/sensors.js';
import { TrendStore } from '../src/views/trend.js';
import { GAS_PROFILES } from '../test/helpers/engine.js';

export interface PipelineResult {
  sensors: number;
  readingsPerSecond: number;
  microsPerReading: number;
  tickMs: number;
  /** MiB of V8 heap. */
  configMb: number;
  runtimeMb: number;
  afterOneReadingMb: number;
  trendFullHourMb: number;
}

export async function benchPipeline(
  opts: { sites?: number; sensorsPerSite?: number; rounds?: number } = {},
): Promise<PipelineResult> {
  const nSites = opts.sites ?? 1000;
  const perSite = opts.sensorsPerSite ?? 100;
  const rounds = opts.rounds ?? 5;
  const profiles = ProfilesFile.parse(GAS_PROFILES);
  const heap0 = usedHeap();
  const docs = [];
  for (let s = 0; s < nSites; s++) {
    const sensors = [];
    for (let i = 0; i < perSite; i++) {
      const gas = i % 5 !== 0;
      sensors.push(
        gas
          ? { id: `S-${i}`, kind: 'gas', gas: 'methane', unit: 'ppm', profile: 'combustible-gas', interval: '2s' }
          : { id: `S-${i}`, kind: 'pressure', unit: 'MPa', profile: 'pressure', interval: '5s' },
      );
    }
    docs.push({ file: `site-${s}.yaml`, site: Site.parse({ id: `site-${s}`, type: 'storage', sensors }) });
  }
  const { sites, issues } = resolveSites({ main: Main.parse({}), profilesFile: 'p', profiles, sites: docs });
  if (issues.length) throw new Error(issues[0]?.message);
  docs.length = 0;
  const heapConfig = usedHeap();
  const store = new MemoryStore();
  await store.start();
  const engine = new AlarmEngine({
    clock: systemClock,
    logger: silentLogger(),
    startupGrace: 3_600_000,
    out: () => undefined,
  });
  engine.applyConfig(sites);
  // As in the daemon, every accepted reading also reaches the sensor view (last value, trend).
  const view = new SensorView({ clock: systemClock });
  view.applyConfig(sites);
  const heapRuntime = usedHeap();
  const patterns = [compilePattern('gas/{site}/{sensor}')];
  const pipeline = new Pipeline({
    engine,
    store,
    clock: systemClock,
    logger: silentLogger(),
    metrics: {
      reading: () => undefined,
      rejected: () => undefined,
      processed: () => undefined,
      evaluationFailed: () => undefined,
    },
    sites: () => sites,
    patterns: () => patterns,
    maxPayload: 256 * 1024,
    onReading: (r) => view.onReading(r),
  });
  const topics: string[] = [];
  for (let s = 0; s < nSites; s++) for (let i = 0; i < perSite; i++) topics.push(`gas/site-${s}/S-${i}`);
  const n = topics.length;
  // Payloads as sensors send them; a few percent of gas readings above Hi to exercise transitions.
  const payloads = topics.map((_, k) => {
    const gas = (k % perSite) % 5 !== 0;
    const value = gas ? (k % 37 === 0 ? 9500 : 40 + (k % 100)) : 20 + (k % 10) / 10;
    return Buffer.from(JSON.stringify({ value, ts: Date.now(), unit: gas ? 'ppm' : 'MPa', status: 'ok' }));
  });
  const times: number[] = [];
  let heapOne = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let k = 0; k < n; k++) await pipeline.handle(topics[k] as string, payloads[k] as Buffer);
    times.push(performance.now() - t0);
    store.points.length = 0;
    engine.tick();
    if (r === 0) heapOne = usedHeap();
  }
  const best = Math.min(...times);
  const tickT0 = performance.now();
  engine.tick();
  const tickMs = performance.now() - tickT0;
  const trendFull = fullHourOfTrends(n);
  const result: PipelineResult = {
    sensors: n,
    readingsPerSecond: (n / best) * 1000,
    microsPerReading: (best * 1000) / n,
    tickMs,
    configMb: mb(heapConfig - heap0),
    runtimeMb: mb(heapRuntime - heapConfig),
    afterOneReadingMb: mb(heapOne - heapRuntime),
    trendFullHourMb: mb(trendFull),
  };
  console.log(`pipeline: ${n.toLocaleString('en-US')} sensors (${nSites} sites × ${perSite}), ${rounds} rounds`);
  console.log(
    `  throughput        ${Math.round(result.readingsPerSecond).toLocaleString('en-US')} readings/s (best round ${best.toFixed(0)} ms; all ${times.map((t) => t.toFixed(0)).join(', ')} ms)`,
  );
  console.log(`  mean per reading  ${result.microsPerReading.toFixed(2)} µs (decode → alarms → queued)`);
  console.log(
    `  engine tick       ${tickMs.toFixed(1)} ms for ${n.toLocaleString('en-US')} sensors (stale checks, delays)`,
  );
  console.log(`  standing alarms   ${engine.list().length.toLocaleString('en-US')}`);
  console.log(
    `  heap: config ${result.configMb.toFixed(1)} MiB, per-sensor state ${result.runtimeMb.toFixed(1)} MiB, ` +
      `+ after one reading each ${result.afterOneReadingMb.toFixed(1)} MiB; trends of a full hour ${result.trendFullHourMb.toFixed(1)} MiB`,
  );
  // Keep everything alive until the last measurement.
  if (store.stats().written < 0) console.log(engine, pipeline);
  return result;
}

/** Bytes of trend buffers holding a full hour (a reading every 30 s) for `sensors` sensors. */
function fullHourOfTrends(sensors: number): number {
  const trends = new TrendStore();
  const handles = new Int32Array(sensors).fill(-1);
  const t0 = Date.now() - 3_600_000;
  for (let b = 0; b < 120; b++)
    for (let s = 0; s < sensors; s++) handles[s] = trends.add(handles[s] as number, t0 + b * 30_000, s + b);
  return trends.bytes;
}

function usedHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

function mb(b: number): number {
  return b / 1024 / 1024;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPipeline();
