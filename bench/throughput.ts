/**
 * Targets 1 and 4 of issue 10: end-to-end throughput at QoS 1 with PUBACK after durable, against
 * the same-run ceiling. Each round runs the same pre-built stream twice through the same Mosquitto:
 * once to a bare mqtt.js subscriber (the ceiling), once to the daemon, timed from the first publish
 * until the subscriber has every message / InfluxDB has every reading (the daemon's own count of
 * points InfluxDB acknowledged, then checked against InfluxDB itself).
 */
import type { MqttClient } from 'mqtt';
import type { Influxd } from '../test/helpers/influxd.js';
import type { Mosquitto } from '../test/helpers/mosquitto.js';
import { loadFleet } from '../test/helpers/stored.js';
import { sleep } from '../test/helpers/wait.js';
import { startCeiling } from './lib/ceiling.js';
import { CpuMeter, pidsWith } from './lib/cpu.js';
import { startDaemon } from './lib/daemon.js';
import { connect, disconnect, type Fleet, type Message, publishAll, telemetry } from './lib/publisher.js';

export interface ThroughputOptions {
  fleet: Fleet;
  /** Messages per sensor. */
  perSensor: number;
  /** Readings per message (1: single readings; 100: JSON arrays). */
  batch: number;
  rounds: number;
  /** Publisher connections and PUBACK window per connection. */
  connections: number;
  window: number;
}

export interface ThroughputRound {
  /** CPU seconds of each process during the ceiling run and the daemon run. */
  ceilingCpu: Record<string, number>;
  daemonCpu: Record<string, number>;
  /** Readings/s. */
  ceiling: number;
  daemon: number;
  /** Readings/s the publisher got PUBACKed at while the daemon ran (the broker's intake). */
  intake: number;
  peakRssMb: number;
  cpuS: number;
  stored: number;
}

export interface ThroughputResult {
  messages: number;
  readings: number;
  rounds: ThroughputRound[];
}

export async function benchThroughput(
  broker: Mosquitto,
  influx: Influxd,
  o: ThroughputOptions,
  label: string,
): Promise<ThroughputResult> {
  const stream = telemetry(o.fleet, o.perSensor, o.batch);
  const readings = stream.reduce((n, m) => n + m.readings, 0);
  const rounds: ThroughputRound[] = [];
  const fleet = loadFleet(o.fleet.sites, o.fleet.sensorsPerSite);
  const servers = {
    mosquitto: (await pidsWith(broker.dir))[0],
    influxd: (await pidsWith(influx.dir))[0],
    publisher: process.pid,
  };
  // A first, shorter run warms up what every run shares — InfluxDB's first database, the page
  // cache, the broker — so that round 1 is not the odd one out. It is not counted.
  const warmup = stream.slice(0, Math.ceil(stream.length / 6));
  const w = await daemonRun(broker, influx, warmup, o, `bench_${label}_warmup`, fleet, servers);
  console.log(`  ${label} warm-up (not counted): gaswatch ${fmt(w.rate)}/s on ${fmt(warmup.length)} messages`);
  for (let r = 0; r < o.rounds; r++) {
    const { rate: ceiling, cpu: ceilingCpu } = await ceilingRun(broker, stream, o, servers);
    const run = await daemonRun(broker, influx, stream, o, `bench_${label}_${r}`, fleet, servers);
    rounds.push({
      ceilingCpu,
      daemonCpu: run.cpu,
      ceiling,
      daemon: run.rate,
      intake: run.intake,
      peakRssMb: run.peakRssMb,
      cpuS: run.cpuS,
      stored: run.stored,
    });
    const last = rounds.at(-1) as ThroughputRound;
    console.log(
      `  ${label} round ${r + 1}: ceiling ${fmt(last.ceiling)}/s, gaswatch ${fmt(last.daemon)}/s ` +
        `(${(last.daemon / last.ceiling).toFixed(2)}×), stored ${last.stored}/${readings}, ` +
        `peak RSS ${last.peakRssMb.toFixed(0)} MB\n` +
        `    CPU-s ceiling run: ${cpuLine(last.ceilingCpu)}; gaswatch run: ${cpuLine(last.daemonCpu)}`,
    );
  }
  return { messages: stream.length, readings, rounds };
}

/** The stream through a fresh daemon, timed from the first publish until InfluxDB holds every reading. */
async function daemonRun(
  broker: Mosquitto,
  influx: Influxd,
  stream: Message[],
  o: ThroughputOptions,
  db: string,
  fleet: ReturnType<typeof loadFleet>,
  servers: Record<string, number | undefined>,
): Promise<{
  rate: number;
  intake: number;
  peakRssMb: number;
  cpuS: number;
  stored: number;
  cpu: Record<string, number>;
}> {
  const readings = stream.reduce((n, m) => n + m.readings, 0);
  const d = await startDaemon({
    mqttUrl: broker.url,
    influxUrl: influx.url,
    database: db,
    ...fleet,
    // The shipped defaults, not the tests' 200 ms.
    main: { influx: { batchSize: 5000, flushInterval: '1s' } },
  });
  try {
    const pubs = await connect(broker.url, o.connections, db);
    const meter = new CpuMeter({ ...servers, gaswatch: d.child.pid });
    await meter.start();
    const t0 = performance.now();
    const published = publishAll(pubs, stream, o.window);
    let done = 0;
    const deadline = t0 + 600_000;
    for (;;) {
      if (performance.now() > deadline)
        throw new Error(`${db}: only ${done} of ${readings} readings in InfluxDB after 10 minutes (log: ${d.logFile})`);
      const m = await d.metrics();
      done = m.get('gaswatch_influx_points_total{result="influx"}') ?? 0;
      const spooled = m.get('gaswatch_influx_points_total{result="spool"}') ?? 0;
      if (done + spooled >= readings) {
        if (spooled > 0) done = await influx.count(db, 'reading', 'value');
        if (done >= readings) break;
      }
      // Coarse while far off, fine near the end: the poll itself must not cost the daemon much.
      await sleep(done > readings * 0.9 ? 20 : 200);
    }
    const t1 = performance.now();
    const cpu = await meter.stop();
    const pubMs = await published;
    const stored = await influx.count(db, 'reading', 'value');
    const usage = await d.usage();
    await disconnect(pubs);
    await influx.query(`DROP DATABASE "${db}"`);
    return {
      rate: (readings / (t1 - t0)) * 1000,
      intake: (readings / pubMs) * 1000,
      peakRssMb: usage.peakRssMb,
      cpuS: usage.cpuS,
      stored,
      cpu,
    };
  } finally {
    await d.stop();
  }
}

async function ceilingRun(
  broker: Mosquitto,
  stream: Message[],
  o: ThroughputOptions,
  servers: Record<string, number | undefined>,
): Promise<{ rate: number; cpu: Record<string, number> }> {
  const sub = await startCeiling(broker.url, 'gas/#', stream.length);
  let pubs: MqttClient[] = [];
  try {
    pubs = await connect(broker.url, o.connections, 'ceiling');
    const meter = new CpuMeter({ ...servers, subscriber: sub.pid });
    await meter.start();
    const t0 = performance.now();
    const published = publishAll(pubs, stream, o.window);
    const t1 = await sub.done;
    const cpu = await meter.stop();
    await published;
    const readings = stream.reduce((n, m) => n + m.readings, 0);
    return { rate: (readings / (t1 - t0)) * 1000, cpu };
  } finally {
    await disconnect(pubs);
    await sub.stop();
  }
}

function cpuLine(cpu: Record<string, number>): string {
  return Object.entries(cpu)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
