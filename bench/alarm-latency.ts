/**
 * Target 2 of issue 10: publish → retained alarm record, under a steady QoS 1 telemetry load.
 * The load comes from a publisher in its own process (bench/publisher-child.ts) so that this
 * process, which timestamps the probes, stays idle. Every 50 ms a probe publishes one reading past
 * the `hi` setpoint of a sensor not yet in alarm (each probe site has 10 sensors: never a flood,
 * never chattering) and times the arrival of its retained record on a separate connection.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import mqtt from 'mqtt';
import type { Influxd } from '../test/helpers/influxd.js';
import type { Mosquitto } from '../test/helpers/mosquitto.js';
import { loadFleet } from '../test/helpers/stored.js';
import { sleep } from '../test/helpers/wait.js';
import { CpuMeter, pidsWith } from './lib/cpu.js';
import { startDaemon } from './lib/daemon.js';
import type { Fleet } from './lib/publisher.js';

export interface LatencyOptions {
  fleet: Fleet;
  /** Background readings/s (QoS 1, single readings). */
  rate: number;
  /** Seconds of probes after a warm-up of 3 s. */
  seconds: number;
  probeEveryMs: number;
  rounds: number;
}

export interface LatencyRound {
  samples: number;
  lost: number;
  p50: number;
  p99: number;
  max: number;
  /** Background readings/s the publisher achieved, and its worst lag behind the schedule. */
  background: number;
  publisherLagMs: number;
  /** After the load stopped: ms until InfluxDB held every background reading (the daemon's backlog). */
  drainMs: number;
  peakRssMb: number;
  cpu: Record<string, number>;
  /** Probe publish → the daemon raising the alarm, and the daemon raising it → the record at the probe (ms, whole-ms clocks). */
  toDaemon: { p50: number; p99: number };
  fromDaemon: { p50: number; p99: number };
  /** The daemon's event-loop lag (ms) and GC seconds over the run. */
  lag: { p99: number; max: number; gcS: number };
}

const PROBE_SITES = 60;
const PROBE_SENSORS = 10;
const WARMUP_S = 3;
const CHILD = path.resolve(import.meta.dirname, 'publisher-child.js');

export async function benchAlarmLatency(
  broker: Mosquitto,
  influx: Influxd,
  o: LatencyOptions,
): Promise<LatencyRound[]> {
  const fleet = loadFleet(o.fleet.sites, o.fleet.sensorsPerSite);
  const sites = fleet.sites as Record<string, unknown>;
  const probes: string[] = [];
  for (let s = 1; s <= PROBE_SITES; s++) {
    const id = `probe-${String(s).padStart(3, '0')}`;
    const sensors = Array.from({ length: PROBE_SENSORS }, (_, j) => ({
      id: `P-${j + 1}`,
      kind: 'gas',
      gas: 'methane',
      unit: 'ppm',
      profile: 'methane-ppm',
      interval: '1h',
    }));
    sites[id] = { id, type: 'station', sensors };
    for (const sn of sensors) probes.push(`${id}/${sn.id}`);
  }
  const servers = { mosquitto: (await pidsWith(broker.dir))[0], influxd: (await pidsWith(influx.dir))[0] };
  const rounds: LatencyRound[] = [];
  for (let r = 0; r < o.rounds; r++) {
    const db = `bench_latency_${r}`;
    const d = await startDaemon({
      mqttUrl: broker.url,
      influxUrl: influx.url,
      database: db,
      ...fleet,
      main: { influx: { batchSize: 5000, flushInterval: '1s' } },
    });
    const probe = await mqtt.connectAsync(broker.url, { clientId: `bench-probe-${process.pid}`, clean: true });
    // The probe must not add latency of its own (Nagle's algorithm holding its small publishes).
    (probe.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    const load = fork(
      CHILD,
      [broker.url, o.rate, WARMUP_S + o.seconds + 1, o.fleet.sites, o.fleet.sensorsPerSite].map(String),
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    try {
      const sentAt = new Map<string, { t: number; wall: number }>();
      const latencies: number[] = [];
      // Split at the record's raisedAt (the daemon's clock, the same machine's): probe → daemon
      // evaluating it (broker queue, daemon backlog), then daemon → probe (publish, broker).
      const inbound: number[] = [];
      const outbound: number[] = [];
      probe.on('message', (topic, payload) => {
        const sent = sentAt.get(topic);
        if (sent === undefined || payload.length === 0) return;
        latencies.push(performance.now() - sent.t);
        const raisedAt = Date.parse((JSON.parse(payload.toString()) as { raisedAt: string }).raisedAt);
        inbound.push(raisedAt - sent.wall);
        outbound.push(Date.now() - raisedAt);
        sentAt.delete(topic);
      });
      await probe.subscribeAsync('gaswatch/alarms/+/+/hi', { qos: 1 });
      await new Promise<void>((resolve) => load.once('message', () => resolve()));
      const loadDone = new Promise<{ published: number; maxLagMs: number; cpuS: number }>((resolve) =>
        load.once('message', (m: { published: number; maxLagMs: number; cpuS: number }) => resolve(m)),
      );
      const meter = new CpuMeter({ ...servers, gaswatch: d.child.pid });
      await meter.start();
      const t0 = performance.now();
      load.send('go');
      await sleep(WARMUP_S * 1000);
      const n = Math.min(probes.length, Math.floor((o.seconds * 1000) / o.probeEveryMs));
      for (let i = 0; i < n; i++) {
        const [site, sensor] = (probes[i] as string).split('/');
        sentAt.set(`gaswatch/alarms/${site}/${sensor}/hi`, { t: performance.now(), wall: Date.now() });
        probe.publish(`gas/${site}/${sensor}`, `{"value":9000,"ts":${Date.now()},"unit":"ppm"}`, { qos: 1 });
        await sleep(Math.max(0, t0 + WARMUP_S * 1000 + (i + 1) * o.probeEveryMs - performance.now()));
      }
      // The event loop's lag over the run (the histogram restarts at each scrape) and GC time.
      const lagMetrics = await d.metrics();
      const lag = {
        p99: (lagMetrics.get('gaswatch_nodejs_eventloop_lag_p99_seconds') ?? NaN) * 1000,
        max: (lagMetrics.get('gaswatch_nodejs_eventloop_lag_max_seconds') ?? NaN) * 1000,
        gcS: [...lagMetrics]
          .filter(([k]) => k.startsWith('gaswatch_nodejs_gc_duration_seconds_sum'))
          .reduce((n, [, v]) => n + v, 0),
      };
      const bg = await loadDone;
      const loadEnd = performance.now();
      // Every background reading stored: how far behind the daemon ran.
      const want = bg.published + n;
      for (;;) {
        const m = await d.metrics();
        const stored = (m.get('gaswatch_readings_total') ?? 0) >= want ? await influx.count(db, 'reading', 'value') : 0;
        if (stored >= want || performance.now() - loadEnd > 120_000) break;
        await sleep(100);
      }
      const drainMs = performance.now() - loadEnd;
      const cpu = { ...(await meter.stop()), publisher: bg.cpuS };
      await sleep(500);
      const sorted = [...latencies].sort((a, b) => a - b);
      const pct = (p: number, xs = sorted) => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;
      const inSorted = inbound.sort((a, b) => a - b);
      const outSorted = outbound.sort((a, b) => a - b);
      const usage = await d.usage();
      rounds.push({
        samples: sorted.length,
        lost: n - sorted.length,
        p50: pct(50),
        p99: pct(99),
        max: sorted.at(-1) ?? NaN,
        background: bg.published / (WARMUP_S + o.seconds + 1),
        publisherLagMs: bg.maxLagMs,
        drainMs,
        peakRssMb: usage.peakRssMb,
        cpu,
        lag,
        toDaemon: { p50: pct(50, inSorted), p99: pct(99, inSorted) },
        fromDaemon: { p50: pct(50, outSorted), p99: pct(99, outSorted) },
      });
      const x = rounds.at(-1) as LatencyRound;
      console.log(
        `  latency round ${r + 1}: p50 ${x.p50.toFixed(1)} ms, p99 ${x.p99.toFixed(1)} ms, max ${x.max.toFixed(0)} ms ` +
          `(${x.samples} alarms, ${x.lost} missing) under ${Math.round(x.background).toLocaleString('en-US')} readings/s; ` +
          `probe → daemon p50 ${x.toDaemon.p50} / p99 ${x.toDaemon.p99} ms, daemon → probe p50 ${x.fromDaemon.p50} / p99 ${x.fromDaemon.p99} ms; ` +
          `backlog drained ${(x.drainMs / 1000).toFixed(1)} s after the load; event-loop lag p99 ${x.lag.p99.toFixed(0)} ms, ` +
          `max ${x.lag.max.toFixed(0)} ms, GC ${x.lag.gcS.toFixed(1)} s; CPU-s ${Object.entries(cpu)
            .map(([k, v]) => `${k} ${v.toFixed(1)}`)
            .join(', ')}`,
      );
      await influx.query(`DROP DATABASE "${db}"`);
    } finally {
      if (load.exitCode === null) load.kill('SIGKILL');
      await probe.endAsync();
      await d.stop();
    }
  }
  return rounds;
}
