/**
 * Nothing lost across restarts (SPEC §1): the daemon killed with SIGKILL in the middle of a QoS 1
 * stream and started again, and Mosquitto (persistence on) restarted in the middle of one. The
 * persistent session makes the broker keep and redeliver what the daemon had not acknowledged;
 * since the daemon acknowledges only durable readings, every reading ends up in InfluxDB, and a
 * redelivered one overwrites itself (same series and timestamp) instead of counting twice.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { type RunResult, startScenario } from 'gaswatch-simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { type ConfigDir, spawnDaemon, startApp, writeConfigDir } from '../helpers/daemon.js';
import { type Influxd, startInfluxd } from '../helpers/influxd.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { freePort } from '../helpers/ports.js';
import { logTail } from '../helpers/server-process.js';
import { expectAllStored as expectStored, loadFleet } from '../helpers/stored.js';
import { sleep, waitFor } from '../helpers/wait.js';

// 2 sites × 20 sensors × 25 Hz for 10 s = 10,000 readings at 1,000 a second.
const SITES = 2;
const SENSORS = 20;
const RATE = 25;
const DURATION_MS = 10_000;
const READINGS = SITES * SENSORS * RATE * (DURATION_MS / 1000);

let broker: Mosquitto;
let influx: Influxd;
const dirs: ConfigDir[] = [];
let app: App | undefined;
let daemon: ChildProcess | undefined;

beforeAll(async () => {
  [broker, influx] = await Promise.all([startMosquitto({ persistence: true }), startInfluxd()]);
});

afterAll(async () => {
  daemon?.kill('SIGKILL');
  await app?.stop();
  await Promise.all([broker?.stop(), influx?.stop(), ...dirs.map((d) => d.cleanup())]);
});

async function config(db: string, main: Record<string, unknown> = {}): Promise<ConfigDir> {
  const cfg = await writeConfigDir({
    mqttUrl: broker.url,
    influxUrl: influx.url,
    database: db,
    ...loadFleet(SITES, SENSORS),
    main,
  });
  dirs.push(cfg);
  return cfg;
}

function stream(seed: number, onPublish: () => void) {
  return startScenario({
    broker: broker.url,
    scenario: 'load',
    sites: SITES,
    sensors: SENSORS,
    rate: RATE,
    duration: DURATION_MS,
    speed: 1,
    qos: 1,
    seed,
    startTime: Math.floor(Date.now() / 1000) * 1000,
    onPublish,
  });
}

/** Every reading sent is in InfluxDB once, with its timestamp and value, in the sensor's order. */
async function expectAllStored(db: string, result: RunResult): Promise<void> {
  expect(result).toMatchObject({ published: READINGS, readings: READINGS, failed: 0, unacknowledged: 0 });
  await expectStored(influx, db, result.messages, READINGS);
}

async function ready(port: number): Promise<void> {
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, {
    timeout: 20_000,
    message: `daemon ready on port ${port}`,
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('restarts in the middle of a stream', () => {
  it('loses nothing when the daemon is killed with SIGKILL and started again', { timeout: 90_000 }, async () => {
    const db = 'gaswatch_nothing_lost_kill';
    const port = await freePort();
    const cfg = await config(db, { http: { listen: `127.0.0.1:${port}` } });
    const logs = [path.join(cfg.dir, 'daemon-1.log'), path.join(cfg.dir, 'daemon-2.log')];
    daemon = spawnDaemon(cfg.file, logs[0]);
    try {
      await ready(port);
      let published = 0;
      const run = stream(21, () => published++);
      await waitFor(async () => published >= 4000 && (await influx.count(db, 'reading')) > 500, {
        timeout: 20_000,
        message: 'stream under way and reaching InfluxDB',
      });
      const first = daemon;
      first.kill('SIGKILL');
      await exited(first);
      const killedAt = performance.now();
      const storedAtKill = await influx.count(db, 'reading');
      const publishedAtKill = published;

      daemon = spawnDaemon(cfg.file, logs[1]);
      await ready(port);
      const downMs = performance.now() - killedAt;
      const result = await run.done;
      await expectAllStored(db, result);
      const doneMs = performance.now() - killedAt;

      const second = daemon;
      second.kill('SIGTERM');
      expect(await exited(second)).toBe(0);
      daemon = undefined;
      console.log(
        `nothing-lost/kill: ${READINGS} readings at ${READINGS / (DURATION_MS / 1000)}/s, QoS 1; SIGKILL after ` +
          `${publishedAtKill} published (${storedAtKill} in InfluxDB); restarted and ready in ` +
          `${(downMs / 1000).toFixed(1)} s; all ${READINGS} stored exactly once ${(doneMs / 1000).toFixed(1)} s after the kill`,
      );
    } catch (err) {
      daemon?.kill('SIGKILL');
      for (const log of logs) console.error(`--- ${log}\n${await logTail(log, 40)}`);
      throw err;
    }
  });

  it('loses nothing when Mosquitto (persistence on) restarts', { timeout: 90_000 }, async () => {
    const db = 'gaswatch_nothing_lost_broker';
    const cfg = await config(db);
    app = await startApp(cfg.file);
    let published = 0;
    const run = stream(22, () => published++);
    await waitFor(async () => published >= 4000 && (await influx.count(db, 'reading')) > 500, {
      timeout: 20_000,
      message: 'stream under way and reaching InfluxDB',
    });
    const a = app;
    const publishedAtStop = published;
    await broker.stopForOutage();
    const stoppedAt = performance.now();
    await waitFor(() => !a.readiness().ready, { timeout: 5000, message: 'readiness reflects the lost broker' });
    expect(a.readiness().reasons).toContain('MQTT not connected');
    // A deliberate real-time gap: the broker stays away long enough for reconnect attempts to fail.
    await sleep(2000);
    await broker.restart();
    const brokerDownMs = performance.now() - stoppedAt;
    await waitFor(() => a.readiness().ready, { timeout: 30_000, message: 'reconnected and ready' });
    const reconnectMs = performance.now() - stoppedAt;
    const result = await run.done;
    await expectAllStored(db, result);
    const doneMs = performance.now() - stoppedAt;
    // Readings taken more often than sent were redelivered after the restart, and stored once.
    const processed = (await a.metrics.readings.get()).values[0]?.value ?? 0;
    expect(processed).toBeGreaterThanOrEqual(READINGS);
    await app.stop();
    app = undefined;
    console.log(
      `nothing-lost/broker: ${READINGS} readings at ${READINGS / (DURATION_MS / 1000)}/s, QoS 1; Mosquitto stopped ` +
        `after ${publishedAtStop} published, down ${(brokerDownMs / 1000).toFixed(1)} s, daemon back after ` +
        `${(reconnectMs / 1000).toFixed(1)} s; ${processed - READINGS} redelivered; all ${READINGS} stored exactly once ` +
        `${(doneMs / 1000).toFixed(1)} s after the stop`,
    );
  });
});
