/**
 * What happens to readings queued for gaswatch while it is down, when the broker restarts before
 * gaswatch comes back (issue 15, docs/deploy.md "Broker restarts"). Real Debian Mosquitto, the real
 * daemon in-process (MQTT 5, persistent session that never expires), real InfluxDB; each case:
 *
 *   gaswatch connects (its session now exists) → gaswatch stops cleanly → the simulators publish
 *   READINGS readings → the broker stops (SIGTERM) or dies (SIGKILL) and starts again → gaswatch
 *   starts again → count what reached InfluxDB.
 *
 * The cases pin down which settings keep the queue and which lose it, and what gaswatch shows
 * when it is lost. They print one line each; docs/deploy.md quotes them.
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { runScenario } from 'gaswatch-simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/util/logger.js';
import { type ConfigDir, startApp, writeConfigDir } from '../helpers/daemon.js';
import { type Influxd, startInfluxd } from '../helpers/influxd.js';
import { loadFleet } from '../helpers/stored.js';
import { sleep } from '../helpers/wait.js';
import { type ConfBroker, startConfBroker } from './conf-broker.js';
import { KIT_CONF } from './kit-broker.js';

// 2 sites × 10 sensors × 5 Hz × 10 s of simulated time = 1,000 readings, one per message.
const SITES = 2;
const SENSORS = 10;
const RATE = 5;
const DURATION = '10s';
const READINGS = SITES * SENSORS * RATE * 10;

/** Lines of the kit's mosquitto.conf with these options, as they are there. */
function kitLines(...options: string[]): string[] {
  const lines = readFileSync(KIT_CONF, 'utf8')
    .split('\n')
    .filter((l) => options.some((o) => l.startsWith(`${o} `)));
  if (lines.length !== options.length) throw new Error(`the kit conf lacks one of ${options.join(', ')}`);
  return lines;
}
/** The kit's queue settings without TLS, ACLs or its autosave and QoS 0 choices (varied below). */
const KIT_QUEUE = kitLines('max_queued_messages', 'max_queued_bytes', 'max_inflight_messages');
/** The kit's persistence settings, exactly. */
const KIT_PERSISTENCE = kitLines('persistence', 'autosave_interval', 'queue_qos0_messages');

let influx: Influxd;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  influx = await startInfluxd();
});

afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  await influx?.stop();
});

interface Outcome {
  stored: number;
  /** sessionPresent of gaswatch's first CONNACK after the restart. */
  sessionPresent: boolean | undefined;
  brokerDroppedAlarm: boolean;
}

/** Log lines of one daemon, parsed, for what it said about its session. */
function capture(): { logger: ReturnType<typeof createLogger>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

async function outage(
  id: string,
  conf: string[],
  restart: (b: ConfBroker) => Promise<void>,
  qos: 0 | 1 = 1,
): Promise<Outcome> {
  const broker = await startConfBroker(conf);
  cleanup.push(() => broker.stop());
  const db = `gaswatch_restart_${id}`;
  const cfg: ConfigDir = await writeConfigDir({
    mqttUrl: broker.url,
    influxUrl: influx.url,
    database: db,
    ...loadFleet(SITES, SENSORS),
  });
  cleanup.push(() => cfg.cleanup());
  const first = await startApp(cfg.file);
  await first.stop();

  const run = await runScenario({
    broker: broker.url,
    scenario: 'load',
    sites: SITES,
    sensors: SENSORS,
    rate: RATE,
    duration: DURATION,
    speed: 'max',
    qos,
    seed: 3,
    record: false,
    startTime: Date.now() - 60_000,
  });
  expect(run.readings).toBe(READINGS);
  await restart(broker);

  const { logger, lines } = capture();
  const app = await startApp(cfg.file, logger);
  // Whatever the broker kept arrives right after the CONNACK; give it time to be stored.
  let stored = 0;
  for (let still = 0; still < 3; ) {
    await sleep(1000);
    const now = await influx.count(db, 'reading');
    still = now === stored ? still + 1 : 0;
    stored = now;
  }
  const connected = lines.find((l) => l['msg'] === 'MQTT connected');
  const brokerDroppedAlarm = app.engine.list().some((a) => a.id === '_gaswatch/broker-dropped/system');
  await app.stop();
  await broker.stop();
  return { stored, sessionPresent: connected?.['sessionPresent'] as boolean | undefined, brokerDroppedAlarm };
}

function report(name: string, o: Outcome): void {
  console.log(
    `broker-restart: ${name}: ${o.stored} of ${READINGS} queued readings stored; sessionPresent=${o.sessionPresent}; ` +
      `broker-dropped alarm ${o.brokerDroppedAlarm ? 'raised' : 'not raised'}`,
  );
}

describe('readings queued for gaswatch while it is down, across a broker restart (Mosquitto 2.0.11)', () => {
  it('a clean restart (SIGTERM) with the kit settings keeps every queued reading', { timeout: 60_000 }, async () => {
    const o = await outage('sigterm', [...KIT_PERSISTENCE, ...KIT_QUEUE], (b) => b.restart());
    report(`SIGTERM, the kit's ${KIT_PERSISTENCE.join(', ')}`, o);
    expect(o.sessionPresent).toBe(true);
    expect(o.stored).toBe(READINGS);
  });

  it('without persistence even a clean restart loses the session and its queue', { timeout: 60_000 }, async () => {
    const o = await outage('nopersist', ['persistence false', ...KIT_QUEUE], (b) => b.restart());
    report('SIGTERM, persistence false', o);
    expect(o.sessionPresent).toBe(false);
    expect(o.stored).toBe(0);
    expect(o.brokerDroppedAlarm).toBe(false);
  });

  it('a crash (SIGKILL) before the first autosave loses the session and every queued reading, unseen', {
    timeout: 60_000,
  }, async () => {
    // Mosquitto's default autosave_interval is 1800 s: nothing was saved since it started.
    const o = await outage('sigkill-default', ['persistence true', ...KIT_QUEUE], (b) =>
      b.kill().then(() => b.restart()),
    );
    report('SIGKILL, autosave_interval 1800 (default)', o);
    expect(o.sessionPresent).toBe(false);
    expect(o.stored).toBe(0);
    // The broker's dropped counter never counted them: the broker-dropped alarm stays quiet.
    expect(o.brokerDroppedAlarm).toBe(false);
  });

  it('a crash after an autosave keeps what the save held', { timeout: 60_000 }, async () => {
    const o = await outage('sigkill-autosave', ['persistence true', 'autosave_interval 1', ...KIT_QUEUE], async (b) => {
      // Mosquitto checks the interval in whole seconds: 3 s holds at least one save after the queue filled.
      await sleep(3000);
      await b.kill();
      await b.restart();
    });
    report('SIGKILL 3 s after the readings, autosave_interval 1', o);
    expect(o.sessionPresent).toBe(true);
    expect(o.stored).toBe(READINGS);
  });

  it('QoS 0 readings are not queued for an offline gaswatch unless queue_qos0_messages is on', {
    timeout: 90_000,
  }, async () => {
    const off = await outage('qos0-off', ['persistence true', ...KIT_QUEUE], (b) => b.restart(), 0);
    report('QoS 0 readings, queue_qos0_messages false (default), SIGTERM', off);
    expect(off.stored).toBe(0);
    const on = await outage(
      'qos0-on',
      ['persistence true', 'queue_qos0_messages true', ...KIT_QUEUE],
      (b) => b.restart(),
      0,
    );
    report('QoS 0 readings, queue_qos0_messages true, SIGTERM', on);
    expect(on.stored).toBe(READINGS);
  });
});
