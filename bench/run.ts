/**
 * `npm run bench`: the five targets of issue 10 against real servers started like the integration
 * tests (Mosquitto with deep queues, InfluxDB 1.6), medians of 3, then the in-process pipeline and
 * store benchmarks. Prints a table with each same-run ceiling and ratio, and writes everything to
 * bench/results/YYYY-MM-DD.json (the date of the run; -2, -3… when that file exists).
 *
 *   npm run bench                         everything (about 10 minutes on 2 cores)
 *   npm run bench -- --only e2e,latency   some parts: e2e, batch, latency, fleet, faults, pipeline, store
 *   npm run bench -- --rounds 1           fewer rounds (a quick look; the table says so)
 *
 * The daemon runs as users run it (`node dist/src/main.js run`) in a process of its own;
 * BENCH_DAEMON_NODE_OPTIONS adds node flags to it (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof",
 * then `node dist/bench/profile-summary.js FILE`), BENCH_DAEMON_MAIN runs another build of it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { INFLUXD_BIN, type Influxd, startInfluxd } from '../test/helpers/influxd.js';
import { MOSQUITTO_BIN, type Mosquitto, startMosquitto } from '../test/helpers/mosquitto.js';
import { benchAlarmLatency, type LatencyRound } from './alarm-latency.js';
import { benchFaults, type FaultsResult } from './faults.js';
import { baseRss, benchFleet, type FleetRound } from './fleet.js';
import { benchHazards } from './hazards.js';
import { cpuPressure } from './lib/cpu.js';
import { publisherAlone } from './lib/publisher-alone.js';
import { benchPipeline, type PipelineResult } from './pipeline.js';
import { benchStore } from './store.js';
import { benchThroughput, type ThroughputResult } from './throughput.js';

const PARTS = ['e2e', 'batch', 'latency', 'fleet', 'faults', 'pipeline', 'hazards', 'store'] as const;
type Part = (typeof PARTS)[number];

const { values } = parseArgs({
  options: { only: { type: 'string' }, rounds: { type: 'string', default: '3' } },
  strict: true,
});
const only = new Set((values.only?.split(',') ?? PARTS) as Part[]);
for (const p of only) if (!PARTS.includes(p)) throw new Error(`--only: unknown part "${p}" (${PARTS.join(', ')})`);
const rounds = Number(values.rounds);

const FLEET_1K = { sites: 10, sensorsPerSite: 100 };
const FLEET_100K = { sites: 1000, sensorsPerSite: 100 };

interface Results {
  date: string;
  /** The build of the daemon measured. */
  daemon: string;
  machine: Record<string, unknown>;
  rounds: number;
  /** Per part, the share of time some task waited for a CPU (Linux PSI): high means a busy machine. */
  pressure: Partial<Record<Part, number>>;
  publisherAlone?: number;
  e2e?: ThroughputResult;
  batch?: ThroughputResult;
  latency?: LatencyRound[];
  fleet?: { baseRssMb: number; rounds: FleetRound[] };
  faults?: FaultsResult;
  pipeline?: PipelineResult;
}

const results: Results = {
  date: new Date().toISOString(),
  daemon: process.env.BENCH_DAEMON_MAIN ?? `this checkout (${gitHead()})`,
  machine: machine(),
  rounds,
  pressure: {},
};

/** Runs one part and notes how busy the CPUs were meanwhile (see cpuPressure). */
async function part<T>(name: Part, run: () => Promise<T>): Promise<T> {
  const start = await cpuPressure();
  const out = await run();
  const { share } = await cpuPressure(start);
  results.pressure[name] = share;
  console.log(`  (CPU pressure during ${name}: ${(share * 100).toFixed(0)} % of the time a task waited for a CPU)`);
  return out;
}
console.log(
  `gaswatch bench — ${results.machine.cpus} × ${results.machine.cpu}, Node ${process.versions.node}, ` +
    `${results.machine.mosquitto}, ${results.machine.influxd}; load average at start ${results.machine.loadAverage}`,
);

const needServers = ['e2e', 'batch', 'latency', 'fleet'].some((p) => only.has(p as Part));
let broker: Mosquitto | undefined;
let influx: Influxd | undefined;
try {
  if (needServers) [broker, influx] = await Promise.all([startMosquitto(), startInfluxd()]);
  if (broker && influx) {
    const window = 5000;
    results.publisherAlone = await publisherAlone(broker, FLEET_1K, window);
    console.log(
      `\n=== the load: one mqtt.js connection, QoS 1, ${window} in flight; alone (no subscriber) it publishes ` +
        `${fmt(results.publisherAlone)} messages/s`,
    );
    if (only.has('e2e')) {
      console.log(
        '\n=== 1. end to end, single readings: 300,000 over 1,000 sensors (ceiling, then gaswatch, per round)',
      );
      results.e2e = await part('e2e', () =>
        benchThroughput(
          broker as Mosquitto,
          influx as Influxd,
          { fleet: FLEET_1K, perSensor: 300, batch: 1, rounds, connections: 1, window },
          'e2e',
        ),
      );
    }
    if (only.has('latency')) {
      console.log('\n=== 2. publish → retained alarm record under 20,000 readings/s of QoS 1 over 1,000 sensors');
      results.latency = await part('latency', () =>
        benchAlarmLatency(broker as Mosquitto, influx as Influxd, {
          fleet: FLEET_1K,
          rate: 20_000,
          seconds: 30,
          probeEveryMs: 50,
          rounds,
        }),
      );
    }
    if (only.has('fleet')) {
      console.log('\n=== 3. 100,000 sensors in 1,000 site files: online time, memory after one reading from each');
      const baseRssMb = await baseRss(broker, influx);
      results.fleet = {
        baseRssMb,
        rounds: await part('fleet', () => benchFleet(broker as Mosquitto, influx as Influxd, FLEET_100K, rounds)),
      };
    }
    if (only.has('batch')) {
      console.log('\n=== 4. end to end, JSON arrays of 100 readings: 1,000,000 readings over 1,000 sensors');
      results.batch = await part('batch', () =>
        benchThroughput(
          broker as Mosquitto,
          influx as Influxd,
          { fleet: FLEET_1K, perSensor: 10, batch: 100, rounds, connections: 1, window: 1000 },
          'batch',
        ),
      );
    }
  }
  if (only.has('faults')) {
    console.log('\n=== 5. fault tests (test/e2e/nothing-lost-*.test.ts)');
    results.faults = await part('faults', () => benchFaults());
  }
  if (only.has('pipeline')) {
    console.log('\n=== pipeline, in process (where the CPU and memory per sensor go)');
    results.pipeline = await part('pipeline', () => benchPipeline());
  }
  if (only.has('hazards')) {
    console.log('\n=== hazard register, in process (100k sensors, every rule on)');
    await part('hazards', () => benchHazards());
  }
  if (only.has('store')) {
    console.log('\n=== store → InfluxDB and spool, in process');
    await benchStore();
  }
} finally {
  await Promise.all([broker?.stop(), influx?.stop()]);
}

results.machine.loadAverageAtEnd = os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
printTable(results);
const file = await save(results);
console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
process.exit(0);

// ---------------------------------------------------------------------------------------------

function printTable(r: Results): void {
  const rows: string[][] = [
    ['#', 'target', `measured (median of ${r.rounds})`, 'same-run ceiling', 'ratio', 'goal', '', 'CPU pressure'],
  ];
  const busy = (p: Part) => (r.pressure[p] === undefined ? '' : pct(r.pressure[p] as number));
  if (r.e2e) {
    const d = median(r.e2e.rounds.map((x) => x.daemon));
    const c = median(r.e2e.rounds.map((x) => x.ceiling));
    const spread = maxDeviation(r.e2e.rounds.map((x) => x.daemon));
    rows.push([
      '1',
      'QoS 1 end to end, PUBACK after durable',
      `${fmt(d)} readings/s (±${pct(spread)})`,
      `${fmt(c)} /s`,
      `${(d / c).toFixed(2)}×`,
      '≥ 0.9×, spread < ±15 %',
      verdict(d / c >= 0.9 && spread < 0.15 && r.e2e.rounds.every((x) => x.stored === r.e2e?.readings)),
      busy('e2e'),
    ]);
  }
  if (r.latency) {
    const p99 = median(r.latency.map((x) => x.p99));
    const p50 = median(r.latency.map((x) => x.p50));
    const bg = median(r.latency.map((x) => x.background));
    rows.push([
      '2',
      `alarm publish → retained record, ${fmt(bg)}/s background`,
      `p99 ${p99.toFixed(1)} ms (p50 ${p50.toFixed(1)} ms)`,
      '',
      '',
      'p99 ≤ 50 ms',
      verdict(p99 <= 50 && r.latency.every((x) => x.lost === 0)),
      busy('latency'),
    ]);
  }
  if (r.fleet) {
    const peak = median(r.fleet.rounds.map((x) => x.peakRssMb));
    const online = median(r.fleet.rounds.map((x) => x.onlineMs)) / 1000;
    rows.push([
      '3',
      '100k sensors: peak RSS after one reading each / online',
      `${peak.toFixed(0)} MB / ${online.toFixed(1)} s`,
      '',
      '',
      '≤ 250 MB, ≤ 10 s (stretch 200 MB, 3 s)',
      verdict(peak <= 250 && online <= 10) + (peak <= 200 && online <= 3 ? ' (stretch)' : ''),
      busy('fleet'),
    ]);
  }
  if (r.batch) {
    const d = median(r.batch.rounds.map((x) => x.daemon));
    const c = median(r.batch.rounds.map((x) => x.ceiling));
    rows.push([
      '4',
      'JSON arrays of 100 readings, end to end',
      `${fmt(d)} readings/s (±${pct(maxDeviation(r.batch.rounds.map((x) => x.daemon)))})`,
      `${fmt(c)} /s`,
      `${(d / c).toFixed(2)}×`,
      '≥ 200,000 readings/s',
      verdict(d >= 200_000 && r.batch.rounds.every((x) => x.stored === r.batch?.readings)),
      busy('batch'),
    ]);
  }
  if (r.faults)
    rows.push([
      '5',
      'fault tests: SIGKILL, InfluxDB outage, broker restart, spool bound',
      `${r.faults.passed} of ${r.faults.passed + r.faults.failed} pass`,
      '',
      '',
      'every reading stored',
      verdict(r.faults.failed === 0 && r.faults.passed > 0),
      busy('faults'),
    ]);
  if (rows.length === 1) return;
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  console.log(
    `\n=== issue 10 targets (${r.machine.cpus} cores, load average ${r.machine.loadAverage} → ${r.machine.loadAverageAtEnd})`,
  );
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
  if (r.fleet) {
    const x = r.fleet.rounds;
    console.log(
      `\n100k sensors, where the memory goes: the daemon with one sensor ${r.fleet.baseRssMb.toFixed(0)} MB RSS; ` +
        `with 100k sensors idle ${median(x.map((y) => y.idleRssMb)).toFixed(0)} MB, ` +
        `peak ${median(x.map((y) => y.peakRssMb)).toFixed(0)} MB after one reading each` +
        (r.pipeline
          ? `; of the V8 heap: config ${r.pipeline.configMb.toFixed(0)} MiB, per-sensor state ${r.pipeline.runtimeMb.toFixed(0)} MiB, ` +
            `+${r.pipeline.afterOneReadingMb.toFixed(0)} MiB after one reading each (trends, roc windows, the alarms raised); ` +
            `a full hour of trends would add ${r.pipeline.trendFullHourMb.toFixed(0)} MiB`
          : ''),
    );
  }
  if (r.rounds < 3) console.log(`\n(only ${r.rounds} round(s): not medians of 3)`);
}

function gitHead(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'not a git checkout';
  }
}

function verdict(ok: boolean): string {
  return ok ? 'met' : 'NOT MET';
}

function machine(): Record<string, unknown> {
  const first = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .split('\n')[0]
        ?.trim();
    } catch (err) {
      return (
        String((err as { stdout?: string }).stdout ?? '')
          .split('\n')[0]
          ?.trim() || 'unknown'
      );
    }
  };
  return {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model.trim(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.versions.node,
    mosquitto: first(MOSQUITTO_BIN, ['-h']),
    influxd: first(INFLUXD_BIN, ['version']),
    loadAverage: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

async function save(r: Results): Promise<string> {
  const dir = path.resolve(import.meta.dirname, '../../bench/results');
  await mkdir(dir, { recursive: true });
  const day = r.date.slice(0, 10);
  let file = path.join(dir, `${day}.json`);
  for (let n = 2; existsSync(file); n++) file = path.join(dir, `${day}-${n}.json`);
  await writeFile(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Largest distance of a round from the median, as a fraction of the median. */
function maxDeviation(xs: number[]): number {
  const m = median(xs);
  return Math.max(...xs.map((x) => Math.abs(x - m) / m));
}

function pct(f: number): string {
  return `${(f * 100).toFixed(0)} %`;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
