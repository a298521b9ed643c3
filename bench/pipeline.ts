/**
 * Hot-path benchmark: MQTT payload → decode → normalize → evaluate/alarms → store port, for a
 * province-sized fleet (default 2,000 sites × 50 sensors = 100k sensors). The store port here
 * resolves at once: this measures the daemon's own CPU and memory per reading, not InfluxDB
 * (bench/store.ts and bench/e2e.ts measure those).
 */
import { AlarmEngine } from '../src/alarms/engine.js';
import { resolveSites } from '../src/config/resolve.js';
import { Main, ProfilesFile, Site } from '../src/config/schema.js';
import { compilePattern } from '../src/ingest/topics.js';
import { Pipeline } from '../src/pipeline/pipeline.js';
import type { Point, WritePort } from '../src/store/port.js';
import { systemClock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/logger.js';
import { GAS_PROFILES } from '../test/helpers/engine.js';

export async function benchPipeline(opts: { sites?: number; sensorsPerSite?: number; rounds?: number } = {}) {
  const nSites = opts.sites ?? 2000;
  const perSite = opts.sensorsPerSite ?? 50;
  const rounds = opts.rounds ?? 5;
  const profiles = ProfilesFile.parse(GAS_PROFILES);
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
  const heapBefore = usedHeap();
  const { sites, issues } = resolveSites({ main: Main.parse({}), profilesFile: 'p', profiles, sites: docs });
  if (issues.length) throw new Error(issues[0]?.message);
  let stored = 0;
  const store: WritePort = {
    start: async () => undefined,
    write: (points: Point[]) => {
      stored += points.length;
      return Promise.resolve();
    },
    flush: async () => undefined,
    stop: async () => undefined,
    stats: () => ({
      written: stored,
      spoolBytes: 0,
      spoolSegments: 0,
      dropped: 0,
      quarantined: 0,
      retries: 0,
      connected: true,
    }),
  };
  const engine = new AlarmEngine({
    clock: systemClock,
    logger: silentLogger(),
    startupGrace: 3_600_000,
    out: () => undefined,
  });
  engine.applyConfig(sites);
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
    patterns: () => [compilePattern('gas/{site}/{sensor}')],
    maxPayload: 256 * 1024,
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
  const heapConfigured = usedHeap();
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let k = 0; k < n; k++) await pipeline.handle(topics[k] as string, payloads[k] as Buffer);
    times.push(performance.now() - t0);
    engine.tick();
  }
  const heapAfter = usedHeap();
  const best = Math.min(...times);
  const tickT0 = performance.now();
  engine.tick();
  const tickMs = performance.now() - tickT0;
  console.log(`pipeline: ${n.toLocaleString()} sensors (${nSites} sites × ${perSite}), ${rounds} rounds`);
  console.log(
    `  throughput        ${Math.round((n / best) * 1000).toLocaleString()} readings/s (best round ${best.toFixed(0)} ms; all ${times.map((t) => t.toFixed(0)).join(', ')} ms)`,
  );
  console.log(`  mean per reading  ${((best * 1000) / n).toFixed(2)} µs`);
  console.log(`  engine tick       ${tickMs.toFixed(1)} ms for ${n.toLocaleString()} sensors (stale checks, delays)`);
  console.log(`  standing alarms   ${engine.list().length.toLocaleString()}`);
  console.log(
    `  heap: config ${mb(heapConfigured - heapBefore)}, after ${rounds} rounds ${mb(heapAfter - heapBefore)} (${Math.round((heapAfter - heapBefore) / n)} B/sensor)`,
  );
  console.log(`  points stored     ${stored.toLocaleString()}`);
}

function usedHeap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

function mb(b: number): string {
  return `${(b / 1024 / 1024).toFixed(1)} MiB`;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPipeline();
