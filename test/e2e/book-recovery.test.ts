/**
 * Issue 11 finding 1: the alarm book must recover from a failed write. During a descriptor
 * exhaustion attack the journal failed with EMFILE and, after the attack, operator acknowledgements
 * received over MQTT were never made durable. Here the state directory is made unwritable (a
 * directory where the book's temp file and the journal go: root ignores file modes), three alarms
 * are acknowledged over MQTT, the obstruction is removed, and the daemon is stopped and started:
 * every ack is on disk and in the journal, the failure was visible (system alarm, metric), and
 * nothing waited for a later change to be written.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { AlarmEvent } from '../../src/domain/types.js';
import { type ConfigDir, startApp, writeConfigDir } from '../helpers/daemon.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
import { waitFor } from '../helpers/wait.js';

let broker: Mosquitto;
let cfg: ConfigDir;
let app: App | undefined;
let client: MqttClient;
const seen: ReceivedMessage[] = [];
const TOKEN = 'wang-token-0123456789abcdef0123456789';
const SENSORS = ['GD-1', 'GD-2', 'GD-3'];

const events = (type?: string) =>
  seen
    .filter((m) => m.topic === 'gaswatch/events')
    .map((m) => JSON.parse(m.payload) as AlarmEvent)
    .filter((e) => !type || e.type === type);

beforeAll(async () => {
  broker = await startMosquitto();
  cfg = await writeConfigDir({
    mqttUrl: broker.url,
    main: { operators: [{ name: 'wang', role: 'operator', token: TOKEN }] },
    profiles: {
      gas: { unit: '%LEL', range: [0, 100], setpoints: { hihi: { value: 40, priority: 'critical', latch: true } } },
    },
    sites: {
      s1: {
        id: 's1',
        type: 'station',
        sensors: SENSORS.map((id) => ({
          id,
          kind: 'gas',
          gas: 'methane',
          unit: '%LEL',
          profile: 'gas',
          interval: '1h',
        })),
      },
    },
  });
  app = await startApp(cfg.file);
  client = await connectClient(broker.url, {}, recordAll(seen));
  await client.subscribeAsync(['gaswatch/events', 'gaswatch/cmd/result'], { qos: 1 });
});

afterAll(async () => {
  await client?.endAsync();
  await app?.stop();
  await Promise.all([broker?.stop(), cfg?.cleanup()]);
});

describe('the alarm book after a failed write', () => {
  it('retries until the disk takes it: no ack lost, the failure seen while it lasts', async () => {
    for (const s of SENSORS) await client.publishAsync(`gas/s1/${s}`, '55', { qos: 1 });
    await waitFor(() => events('raised').length === 3, { message: 'three hihi raised' });
    await waitFor(async () => (await readFile(path.join(cfg.stateDir, 'alarms.json'), 'utf8')).includes('GD-3'), {
      message: 'the raised alarms on disk',
    });

    // The disk refuses every write of the book and the journal.
    const journal = path.join(cfg.stateDir, 'journal.jsonl');
    await rm(journal);
    await mkdir(journal);
    await mkdir(path.join(cfg.stateDir, 'alarms.json.tmp'));
    for (const s of SENSORS)
      await client.publishAsync(
        'gaswatch/cmd/ack',
        JSON.stringify({ id: `s1/${s}/hihi`, operator: 'wang', token: TOKEN, comment: `ack ${s}` }),
        { qos: 1 },
      );
    await waitFor(() => events('acked').length === 3, { message: 'three acks applied and announced' });
    const raisedSystem = await waitFor(
      () => events('raised').find((e) => e.alarm.id === '_gaswatch/state-write/system'),
      { message: 'the system alarm about the failing state directory' },
    );
    expect(raisedSystem.alarm.priority).toBe('high');
    const metrics = await (app as App).metrics.registry.metrics();
    expect(Number(/^gaswatch_state_write_failures_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);

    // The disk recovers; nothing else happens, yet the book and journal catch up by themselves.
    await rm(journal, { recursive: true });
    await rm(path.join(cfg.stateDir, 'alarms.json.tmp'), { recursive: true });
    await waitFor(() => events('cleared').find((e) => e.alarm.id === '_gaswatch/state-write/system'), {
      timeout: 15_000,
      message: 'the system alarm clears once a write succeeds',
    });
    await waitFor(
      async () => {
        const book = JSON.parse(await readFile(path.join(cfg.stateDir, 'alarms.json'), 'utf8')) as {
          alarms: { record: { id: string; state: string } }[];
        };
        return book.alarms.filter((a) => a.record.state === 'active_acked').length === 3;
      },
      { timeout: 15_000, message: 'the three acks in alarms.json without any further change' },
    );
    const lines = (await readFile(journal, 'utf8')).trim().split('\n');
    const acked = lines.map((l) => JSON.parse(l) as AlarmEvent).filter((e) => e.type === 'acked');
    expect(acked.map((e) => `${e.alarm.sensor}:${e.operator}:${e.comment}`)).toEqual(
      SENSORS.map((s) => `${s}:wang:ack ${s}`),
    );

    // And a restart finds them.
    await (app as App).stop();
    app = undefined;
    app = await startApp(cfg.file);
    const byId = new Map(app.engine.list().map((r) => [r.id, r]));
    for (const s of SENSORS) expect(byId.get(`s1/${s}/hihi`)).toMatchObject({ state: 'active_acked', ackedBy: 'wang' });
    expect(existsSync(path.join(cfg.stateDir, 'alarms.json.tmp'))).toBe(false);
  });
});
