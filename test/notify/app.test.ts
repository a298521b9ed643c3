/**
 * Through the real daemon: a reading published to a real Mosquitto raises an alarm, which reaches
 * the routed webhook and the first person's own webhook; the deliveries come back as `notified`
 * events on gaswatch/events and in gaswatch_notifications_total.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { AlarmEvent } from '../../src/domain/types.js';
import { type ConfigDir, startApp, writeConfigDir } from '../helpers/daemon.js';
import { GAS_PROFILES } from '../helpers/engine.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
import { waitFor } from '../helpers/wait.js';
import { type Receiver, startReceiver } from './receiver.js';

let broker: Mosquitto;
let rx: Receiver;
let cfg: ConfigDir;
let app: App | undefined;
let client: MqttClient;
const seen: ReceivedMessage[] = [];

const events = (type: string) =>
  seen
    .filter((m) => m.topic === 'gaswatch/events')
    .map((m) => JSON.parse(m.payload) as AlarmEvent)
    .filter((e) => e.type === type);

beforeAll(async () => {
  [broker, rx] = await Promise.all([startMosquitto(), startReceiver()]);
  cfg = await writeConfigDir({
    mqttUrl: broker.url,
    profiles: GAS_PROFILES,
    sites: {
      'zjk-depot': {
        id: 'zjk-depot',
        name: 'Zhangjiakou gas storage depot',
        type: 'storage',
        responsible: [
          { name: 'Li Wei', role: 'shift operator', webhook: `${rx.url}/li-wei`, escalateAfter: '5m' },
          { name: 'Zhao Min', email: 'zhao@example.com', escalateAfter: '15m' },
        ],
        sensors: [{ id: 'GD-12', kind: 'gas', gas: 'methane', unit: 'ppm', profile: 'combustible-gas' }],
      },
    },
    main: {
      http: { open: ['healthz', 'readyz', 'metrics'] },
      notify: {
        channels: [{ name: 'scada', type: 'webhook', url: `${rx.url}/scada` }],
        routes: [{ sites: ['zjk-*'], priorities: ['critical'], channels: ['scada'] }],
        timezone: 'Asia/Shanghai',
      },
    },
  });
  client = await connectClient(broker.url, {}, recordAll(seen));
  await client.subscribeAsync('gaswatch/events', { qos: 1 });
  app = await startApp(cfg.file);
});

afterAll(async () => {
  await client?.endAsync();
  await app?.stop();
  await Promise.all([broker?.stop(), rx?.close(), cfg?.cleanup()]);
});

describe('notify in the daemon', () => {
  it('a raised alarm reaches the routed webhook and the first responsible person', async () => {
    await client.publishAsync('gas/zjk-depot/GD-12', JSON.stringify({ value: 23_100 }), { qos: 1 });
    await waitFor(() => rx.requests.length === 3, { message: 'three deliveries' });
    const byPath = Object.fromEntries(rx.requests.map((r) => [r.url, r.body as Record<string, unknown>]));
    expect(Object.keys(byPath).sort()).toEqual(['/li-wei', '/scada']);
    expect(byPath['/scada']).toMatchObject({
      type: 'alarm',
      title: '[CRITICAL] Raised: zjk-depot GD-12 hihi',
      event: { type: 'raised', alarm: { id: 'zjk-depot/GD-12/hihi', priority: 'critical', state: 'active_unacked' } },
      site: { id: 'zjk-depot', name: 'Zhangjiakou gas storage depot' },
    });
    // Li Wei gets both alarms (hi is high, hihi critical): the chain takes every priority by default.
    const toLiWei = () =>
      rx.requests.filter((r) => r.url === '/li-wei').map((r) => (r.body as { title: string }).title);
    await waitFor(() => toLiWei().length === 2, { message: 'hi and hihi to Li Wei' });
    expect(toLiWei().sort()).toEqual([
      '[CRITICAL] For Li Wei: zjk-depot GD-12 hihi',
      '[HIGH] For Li Wei: zjk-depot GD-12 hi',
    ]);

    await waitFor(() => events('notified').length === 3, { message: 'three notified events on MQTT' });
    expect(
      events('notified')
        .map((e) => `${e.alarm.id} ${e.operator} ${e.comment}`)
        .sort(),
    ).toEqual([
      'zjk-depot/GD-12/hi Li Wei escalation 1/2 via their webhook',
      'zjk-depot/GD-12/hihi Li Wei escalation 1/2 via their webhook',
      'zjk-depot/GD-12/hihi scada raised via scada',
    ]);
    const metrics = await (await fetch(`${app?.httpUrl}/metrics`)).text();
    expect(metrics).toContain('gaswatch_notifications_total{channel="scada",result="sent"} 1');
    expect(metrics).toContain('gaswatch_notifications_total{channel="responsible-webhook",result="sent"} 2');
  });
});
