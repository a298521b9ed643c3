/**
 * End-to-end benchmark: the simulators' `load` scenario through a real Mosquitto (deep queues) into
 * the real daemon and a real InfluxDB, QoS 1 with PUBACK after durable. Prints the sustained rate,
 * the time until every reading is stored, processing latency and the daemon's memory.
 */
import { runScenario } from 'gaswatch-simulators';
import { startApp, writeConfigDir } from '../test/helpers/daemon.js';
import { startInfluxd } from '../test/helpers/influxd.js';
import { startMosquitto } from '../test/helpers/mosquitto.js';
import { loadFleet } from '../test/helpers/stored.js';
import { waitFor } from '../test/helpers/wait.js';

export async function benchE2e(opts: { sites?: number; sensors?: number; rate?: number; seconds?: number } = {}) {
  const sites = opts.sites ?? 100;
  const sensors = opts.sensors ?? 100;
  const rate = opts.rate ?? 1;
  const seconds = opts.seconds ?? 20;
  const [broker, influx] = await Promise.all([startMosquitto(), startInfluxd()]);
  const cfg = await writeConfigDir({
    mqttUrl: broker.url,
    influxUrl: influx.url,
    database: 'bench',
    ...loadFleet(sites, sensors),
    main: { influx: { flushInterval: '500ms', batchSize: 5000 } },
  });
  const app = await startApp(cfg.file);
  try {
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const run = await runScenario({
      broker: broker.url,
      scenario: 'load',
      sites,
      sensors,
      rate,
      duration: seconds * 1000,
      speed: 'max',
      qos: 1,
      record: false,
      maxInFlight: 1000,
      startTime: Date.now() - seconds * 1000 - 60_000,
    });
    const published = performance.now() - t0;
    await waitFor(async () => (await influx.count('bench', 'reading')) >= run.readings, {
      timeout: 300_000,
      interval: 250,
      message: `${run.readings} readings stored`,
    });
    const stored = performance.now() - t0;
    const hist = (await app.metrics.processing.get()).values;
    const count = hist.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
    const sum = hist.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
    console.log(
      `e2e: ${sites} sites × ${sensors} sensors = ${(sites * sensors).toLocaleString()} sensors, QoS 1, speed max`,
    );
    console.log(
      `  readings           ${run.readings.toLocaleString()} (${run.failed} failed, ${run.unacknowledged} unacknowledged)`,
    );
    console.log(
      `  published in       ${(published / 1000).toFixed(1)} s → ${Math.round((run.readings / published) * 1000).toLocaleString()} readings/s acknowledged by the daemon`,
    );
    console.log(
      `  all stored after   ${(stored / 1000).toFixed(1)} s → ${Math.round((run.readings / stored) * 1000).toLocaleString()} readings/s end to end`,
    );
    console.log(
      `  processing         mean ${((sum / Math.max(1, count)) * 1e6).toFixed(1)} µs per message (decode → alarms → queued)`,
    );
    console.log(
      `  daemon process RSS ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB (was ${(rssBefore / 1024 / 1024).toFixed(0)} MiB; simulator in the same process)`,
    );
    console.log(`  standing alarms    ${app.engine.list().length}`);
  } finally {
    await app.stop();
    await Promise.all([broker.stop(), influx.stop(), cfg.cleanup()]);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchE2e();
  process.exit(0);
}
