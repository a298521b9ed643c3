/**
 * Alarm state survives a restart (SPEC §3): raise, acknowledge over MQTT, restart the daemon, and
 * find the same book, no second `raised`, retained records that match, and `alarm_event` rows.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { AlarmEvent, AlarmRecord } from '../../src/domain/types.js';
import { type ConfigDir, startApp } from '../helpers/daemon.js';
import type { Influxd } from '../helpers/influxd.js';
import type { Mosquitto } from '../helpers/mosquitto.js';
import { connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
import { type Plant, startPlant } from '../helpers/plant.js';
import { waitFor } from '../helpers/wait.js';

let broker: Mosquitto;
let influx: Influxd;
let cfg: ConfigDir;
let plant: Plant;
let app: App | undefined;
let client: MqttClient;
const seen: ReceivedMessage[] = [];
const DB = 'gaswatch_restart';
/** The operator's API token: MQTT commands carry it (SPEC §4). */
const WANG_TOKEN = 'wang-token-0123456789abcdef-0123456789';

const events = (type?: string) =>
  seen
    .filter((m) => m.topic === 'gaswatch/events')
    .map((m) => JSON.parse(m.payload) as AlarmEvent)
    .filter((e) => !type || e.type === type);

beforeAll(async () => {
  plant = await startPlant({
    mosquitto: { persistence: true },
    database: DB,
    config: {
      main: { operators: [{ name: 'wang', role: 'operator', token: WANG_TOKEN }] },
      profiles: {
        'combustible-gas': {
          unit: '%LEL',
          deadband: 2,
          range: [0, 100],
          setpoints: { hi: { value: 20, priority: 'high' }, hihi: { value: 40, priority: 'critical', latch: true } },
        },
      },
      sites: {
        'zjk-depot': {
          id: 'zjk-depot',
          type: 'storage',
          sensors: [
            { id: 'GD-12', kind: 'gas', gas: 'methane', unit: 'ppm', profile: 'combustible-gas', interval: '1h' },
          ],
        },
      },
    },
  });
  ({ broker, influx, cfg } = plant);
  client = await connectClient(broker.url, {}, recordAll(seen));
  await client.subscribeAsync(['gaswatch/events', 'gaswatch/alarms/#', 'gaswatch/cmd/result'], { qos: 1 });
});

afterAll(async () => {
  await client?.endAsync();
  await app?.stop();
  await plant?.stop();
});

describe('alarm state across a restart', () => {
  it('keeps the book and the ack, raises nothing twice, and stores alarm_event', async () => {
    app = await startApp(cfg.file);
    await client.publishAsync('gas/zjk-depot/GD-12', JSON.stringify({ value: 23100 }), { qos: 1 });
    await waitFor(() => events('raised').length === 2, { timeout: 10_000, message: 'hi and hihi raised' });
    await client.publishAsync(
      'gaswatch/cmd/ack',
      JSON.stringify({
        id: 'zjk-depot/GD-12/hihi',
        operator: 'wang',
        token: WANG_TOKEN,
        comment: 'evacuating compressor hall',
      }),
      { qos: 1 },
    );
    await waitFor(() => events('acked').length === 1, { timeout: 10_000, message: 'acked over MQTT' });
    expect(events('acked')[0]).toMatchObject({
      operator: 'wang',
      comment: 'evacuating compressor hall',
      alarm: { state: 'active_acked', ackedBy: 'wang' },
    });
    const before = app.engine.list();
    await app.stop();
    app = undefined;

    seen.length = 0;
    app = await startApp(cfg.file);
    expect(app.engine.list()).toEqual(before);
    await client.publishAsync('gas/zjk-depot/GD-12', JSON.stringify({ value: 23500 }), { qos: 1 });
    await waitFor(async () => (await influx.count(DB, 'reading')) === 2, {
      timeout: 10_000,
      message: 'both readings stored',
    });
    expect(events('raised')).toEqual([]);
    // The retained records on the broker match the book.
    const retained = await connectClient(broker.url);
    const records: ReceivedMessage[] = [];
    retained.on('message', (topic, payload, packet) => {
      if (packet.retain && payload.length) records.push({ topic, payload: payload.toString(), retain: true, qos: 1 });
    });
    await retained.subscribeAsync('gaswatch/alarms/#', { qos: 1 });
    await waitFor(() => records.length === 2, { timeout: 5000, message: 'two retained records' });
    await retained.endAsync();
    const byId = Object.fromEntries(
      records.map((r) => [(JSON.parse(r.payload) as AlarmRecord).id, JSON.parse(r.payload)]),
    );
    expect(byId['zjk-depot/GD-12/hihi']).toMatchObject({
      state: 'active_acked',
      ackedBy: 'wang',
      value: 52.5,
      threshold: 40,
      unit: '%LEL',
    });
    expect(byId['zjk-depot/GD-12/hi']).toMatchObject({ state: 'active_unacked' });

    const rows = await waitFor(
      async () => {
        const r = await influx.query('SELECT * FROM alarm_event ORDER BY time', DB);
        return r.length === 3 ? r : undefined;
      },
      { timeout: 10_000, message: '3 alarm_event rows' },
    );
    expect(rows.map((r) => `${r.condition}:${r.type}:${r.state}`).sort()).toEqual([
      'hi:raised:active_unacked',
      'hihi:acked:active_acked',
      'hihi:raised:active_unacked',
    ]);
    expect(rows.find((r) => r.type === 'acked')).toMatchObject({
      operator: 'wang',
      comment: 'evacuating compressor hall',
      priority: 'critical',
      value: 52.5,
      threshold: 40,
    });
  });
});
