/**
 * The spool bound (SPEC §5): during an InfluxDB outage longer than the spool can hold, the oldest
 * telemetry is dropped, and counted exactly, while every alarm event is kept and written once
 * InfluxDB is back. The stream is published by hand so that every reading's fate is known.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { type ConfigDir, startApp } from '../helpers/daemon.js';
import type { Influxd } from '../helpers/influxd.js';
import type { Mosquitto } from '../helpers/mosquitto.js';
import { connectClient } from '../helpers/mqtt-client.js';
import { type Plant, startPlant } from '../helpers/plant.js';
import { waitFor } from '../helpers/wait.js';

const DB = 'gaswatch_nothing_lost_spool';
const SITE = 'spool-depot';
// Bigger than one commit (batchSize 5000 readings ≈ 600 KB in the spool), as any real bound is: a
// single commit larger than the whole spool loses its newest readings too (reported, store/spool.ts).
const SPOOL_MAX = 1024 * 1024;
const BEFORE = 1000;
const DURING = 20_000;
/** Every TOGGLE-th message goes to GD-1, alternately above and below its `hi` setpoint. */
const TOGGLE = 100;
const SENSORS = 20;

let broker: Mosquitto;
let influx: Influxd;
let cfg: ConfigDir;
let plant: Plant;
let app: App;
let pub: MqttClient;

beforeAll(async () => {
  const sensor = (id: string) => ({
    id,
    kind: 'gas',
    gas: 'methane',
    unit: 'ppm',
    profile: 'methane-ppm',
    interval: '1h',
  });
  plant = await startPlant({
    database: DB,
    config: {
      main: { influx: { spoolMaxBytes: SPOOL_MAX } },
      profiles: {
        'methane-ppm': { unit: 'ppm', range: [0, 100_000], setpoints: { hi: { value: 5000, priority: 'high' } } },
      },
      sites: {
        [SITE]: {
          id: SITE,
          type: 'storage',
          sensors: [sensor('GD-1'), ...Array.from({ length: SENSORS }, (_, i) => sensor(`T-${i}`))],
        },
      },
    },
  });
  ({ broker, influx, cfg } = plant);
  app = await startApp(cfg.file);
  pub = await connectClient(broker.url);
});

afterAll(async () => {
  await pub?.endAsync();
  await app?.stop();
  await plant?.stop();
});

interface Sent {
  sensor: string;
  ts: number;
  value: number;
}

const T0 = Date.now() - 10 * 60_000;

/** Message `i` of the stream: its own millisecond, so every reading is a distinct point. */
function message(i: number): Sent {
  if (i % TOGGLE === 0) return { sensor: 'GD-1', ts: T0 + i, value: (i / TOGGLE) % 2 === 0 ? 6000 : 1000 };
  return { sensor: `T-${i % SENSORS}`, ts: T0 + i, value: (i % 1000) / 10 };
}

/** Publishes messages [from, to) with QoS 1, a window of them in flight, each awaiting the broker's PUBACK. */
async function publish(from: number, to: number): Promise<Sent[]> {
  const out: Sent[] = [];
  const window = new Set<Promise<unknown>>();
  for (let i = from; i < to; i++) {
    const m = message(i);
    out.push(m);
    const p = pub.publishAsync(`gas/${SITE}/${m.sensor}`, JSON.stringify({ value: m.value, ts: m.ts }), { qos: 1 });
    window.add(p);
    void p.finally(() => window.delete(p));
    if (window.size >= 100) await Promise.race(window);
  }
  await Promise.all(window);
  return out;
}

async function processed(): Promise<number> {
  return (await app.metrics.readings.get()).values[0]?.value ?? 0;
}

/** The daemon has taken every reading and made it durable (InfluxDB or spool), and acked them all. */
async function caughtUp(n: number, message: string): Promise<void> {
  await waitFor(async () => (await processed()) === n && app.store.stats().pending === 0 && app.conn.unacked === 0, {
    timeout: 30_000,
    message,
  });
}

describe('spool bound hit during an InfluxDB outage', () => {
  it('drops the oldest telemetry, counted exactly, and keeps every alarm event', { timeout: 120_000 }, async () => {
    const sent = await publish(0, BEFORE);
    await caughtUp(BEFORE, 'the first readings durable');
    await waitFor(async () => (await influx.count(DB, 'reading')) === BEFORE, {
      message: 'the first readings in InfluxDB',
    });

    await influx.stopForOutage();
    const outageStart = performance.now();
    // The first reading of the outage alone, so the store has seen InfluxDB gone before the rest
    // arrives: commits then go to the spool in arrival order, and "oldest" is exact.
    sent.push(...(await publish(BEFORE, BEFORE + 1)));
    await waitFor(() => !app.store.stats().connected, { message: 'the store sees InfluxDB down' });
    sent.push(...(await publish(BEFORE + 1, BEFORE + DURING)));
    await caughtUp(BEFORE + DURING, 'every reading of the outage durable or dropped');
    const atRestart = app.store.stats();
    expect(atRestart.dropped).toBeGreaterThan(0);
    await influx.restart();
    const outageMs = performance.now() - outageStart;
    const restarted = performance.now();
    await waitFor(() => app.store.stats().connected && app.store.stats().spoolSegments === 0, {
      timeout: 60_000,
      interval: 50,
      message: 'the spool replayed',
    });
    const replayMs = performance.now() - restarted;
    const stats = app.store.stats();

    // Readings: exactly the dropped ones are missing, and they are the oldest of the outage — a
    // contiguous run starting with the first reading that went to the spool.
    const rows = await influx.query(`SELECT value FROM reading WHERE site = '${SITE}' GROUP BY sensor`, DB);
    const have = new Set(rows.map((r) => `${r.sensor}@${r.time}`));
    expect(have.size).toBe(rows.length);
    const missing: number[] = [];
    sent.forEach((m, i) => {
      if (!have.has(`${m.sensor}@${m.ts}`)) missing.push(i);
    });
    expect(rows.length + missing.length).toBe(sent.length);
    expect(missing.length).toBe(stats.dropped);
    expect(missing).toEqual(Array.from({ length: stats.dropped }, (_, k) => BEFORE + k));
    expect(stats.dropped).toBeLessThan(DURING);
    const dropMetric = (await app.metrics.spoolDropped.get()).values[0]?.value;
    expect(dropMetric).toBe(stats.dropped);

    // Alarm events: every one the engine emitted is in InfluxDB, including those that shared spool
    // segments with the telemetry that was dropped.
    const key = (site: unknown, sensor: unknown, condition: unknown, type: unknown, ts: number) =>
      `${site}/${sensor}/${condition}/${type}@${ts}`;
    const wanted = () =>
      app.engine
        .history({ limit: 1_000_000 })
        .map((e) => key(e.alarm.site, e.alarm.sensor, e.alarm.condition, e.type, Date.parse(e.at)));
    const storedEvents = async () =>
      (await influx.query('SELECT * FROM alarm_event', DB)).map((r) =>
        key(r.site, r.sensor, r.condition, r.type, r.time as number),
      );
    // The spool-full alarm's own events (raised, cleared) may still be on their way when the replay
    // ends: wait until what is stored catches up with what was emitted.
    await waitFor(async () => (await storedEvents()).length === wanted().length, {
      message: 'every alarm event in InfluxDB',
    });
    const events = app.engine.history({ limit: 1_000_000 });
    const raisedByReadings = sent.filter((m) => m.sensor === 'GD-1' && m.value > 5000).length;
    expect(events.filter((e) => e.alarm.sensor === 'GD-1' && e.type === 'raised')).toHaveLength(raisedByReadings);
    const want = wanted();
    // Two events of one series in the same millisecond would be one point: the test must not do that.
    expect(new Set(want).size).toBe(want.length);
    expect((await storedEvents()).sort()).toEqual(want.sort());

    console.log(
      `nothing-lost/spool: ${BEFORE} + ${DURING} readings (${BEFORE} before InfluxDB stopped), spool bound ` +
        `${SPOOL_MAX / 1024} KiB, outage ${(outageMs / 1000).toFixed(1)} s; ${stats.dropped} oldest readings dropped ` +
        `(counted exactly), ${DURING - stats.dropped} kept; spool ${(atRestart.spoolBytes / 1024).toFixed(0)} KiB at ` +
        `restart; ${events.length} alarm events all stored; replayed in ${(replayMs / 1000).toFixed(1)} s`,
    );
  });
});
