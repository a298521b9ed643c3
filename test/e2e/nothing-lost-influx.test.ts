/**
 * Nothing lost (SPEC §1, §5): InfluxDB is stopped for 30 s in the middle of a QoS 1 stream of
 * 20,000 readings and then restarted. Messages keep being acknowledged during the outage (their
 * readings are durable in the spool), and afterwards every reading is in InfluxDB exactly once, at
 * its own timestamp, with its value, in the order the sensor produced it.
 */
import { startScenario } from 'gaswatch-simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { type ConfigDir, startApp } from '../helpers/daemon.js';
import type { Influxd } from '../helpers/influxd.js';
import type { Mosquitto } from '../helpers/mosquitto.js';
import { type Plant, startPlant } from '../helpers/plant.js';
import { expectAllStored, loadFleet } from '../helpers/stored.js';
import { sleep, waitFor } from '../helpers/wait.js';

const DB = 'gaswatch_nothing_lost_influx';
// 4 sites × 25 sensors × 5 Hz for 40 s = 20,000 readings at 500 a second.
const SITES = 4;
const SENSORS = 25;
const RATE = 5;
const DURATION_MS = 40_000;
const READINGS = SITES * SENSORS * RATE * (DURATION_MS / 1000);
const OUTAGE_MS = 30_000;

let broker: Mosquitto;
let influx: Influxd;
let cfg: ConfigDir;
let plant: Plant;
let app: App;

beforeAll(async () => {
  plant = await startPlant({
    database: DB,
    config: {
      ...loadFleet(SITES, SENSORS),
    },
  });
  ({ broker, influx, cfg } = plant);
  app = await startApp(cfg.file);
});

afterAll(async () => {
  await app?.stop();
  await plant?.stop();
});

/** Readings the daemon has accepted so far. */
async function processed(): Promise<number> {
  return (await app.metrics.readings.get()).values[0]?.value ?? 0;
}

describe('InfluxDB outage in the middle of a stream', () => {
  it(`stores all ${READINGS} readings, in time order, after a ${OUTAGE_MS / 1000} s outage`, {
    timeout: 180_000,
  }, async () => {
    let published = 0;
    const run = startScenario({
      broker: broker.url,
      scenario: 'load',
      sites: SITES,
      sensors: SENSORS,
      rate: RATE,
      duration: DURATION_MS,
      speed: 1,
      qos: 1,
      seed: 11,
      startTime: Math.floor(Date.now() / 1000) * 1000,
      onPublish: () => published++,
    });
    await waitFor(async () => published >= 2500 && (await influx.count(DB, 'reading')) > 0, {
      timeout: 20_000,
      message: 'stream under way and reaching InfluxDB',
    });

    await influx.stopForOutage();
    const outageStart = performance.now();
    const publishedAtStop = published;
    const processedAtStop = await processed();
    let spoolPeak = 0;
    let unackedPeak = 0;
    const sampler = setInterval(() => {
      spoolPeak = Math.max(spoolPeak, app.store.stats().spoolBytes);
      unackedPeak = Math.max(unackedPeak, app.conn.unacked);
    }, 100);
    // A deliberate real-time gap: the outage itself.
    await sleep(OUTAGE_MS - (performance.now() - outageStart));
    // Durable means InfluxDB *or the spool*: the daemon kept taking and acknowledging readings through
    // the outage, never holding more than a few seconds' worth unacknowledged.
    expect(await processed()).toBeGreaterThan(processedAtStop + 10_000);
    expect(unackedPeak).toBeLessThan(2500);
    expect(app.store.stats().spoolBytes).toBeGreaterThan(0);
    expect(app.store.stats().connected).toBe(false);

    await influx.restart();
    const outageMs = performance.now() - outageStart;
    const duringOutage = published - publishedAtStop;
    const restarted = performance.now();
    // Replay time: from InfluxDB answering again to the spool being empty (the replayer notices the
    // server on its next probe, then drains oldest first while live batches go straight through).
    await waitFor(() => app.store.stats().connected, { timeout: 60_000, interval: 20, message: 'InfluxDB noticed' });
    const noticedMs = performance.now() - restarted;
    await waitFor(() => app.store.stats().spoolSegments === 0, {
      timeout: 60_000,
      interval: 20,
      message: 'the spool replayed into InfluxDB',
    });
    const replayMs = performance.now() - restarted - noticedMs;
    clearInterval(sampler);
    const result = await run.done;
    expect(result).toMatchObject({ published: READINGS, readings: READINGS, failed: 0, unacknowledged: 0 });
    await expectAllStored(influx, DB, result.messages, READINGS);
    const stats = app.store.stats();
    expect(stats.dropped).toBe(0);
    expect(stats.replayed).toBeGreaterThan(0);

    console.log(
      `nothing-lost/influx: ${READINGS} readings at ${READINGS / (DURATION_MS / 1000)}/s, QoS 1; InfluxDB down ` +
        `${(outageMs / 1000).toFixed(1)} s while ${duringOutage} readings were published and acknowledged; ` +
        `at most ${unackedPeak} unacknowledged; spool peak ${(spoolPeak / 1024).toFixed(0)} KiB; InfluxDB noticed ${(noticedMs / 1000).toFixed(1)} s after ` +
        `its restart (probe backoff), then ${stats.replayed} points replayed in ${(replayMs / 1000).toFixed(1)} s`,
    );
  });
});
