/**
 * Notifications survive a stop (issue 15): through the real daemon, an alarm's notifications wait
 * for a receiver that answers 500; the daemon stops with them still queued; they are in the state
 * directory (notify-outbox.json); the next start delivers each once — the routed one and the
 * escalation's message to the first person of the chain, whom the resumed chain does not call a
 * second time — and records them as `notified` events.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { AlarmEvent } from '../../src/domain/types.js';
import { OUTBOX_FILE, type SavedJob } from '../../src/notify/outbox.js';
import { type ConfigDir, startApp, writeConfigDir } from '../helpers/daemon.js';
import { GAS_PROFILES } from '../helpers/engine.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { type Receiver, startReceiver } from './receiver.js';

let broker: Mosquitto;
let rx: Receiver;
let cfg: ConfigDir;
let app: App | undefined;
let client: MqttClient;
const seen: ReceivedMessage[] = [];

beforeAll(async () => {
  [broker, rx] = await Promise.all([startMosquitto(), startReceiver({ status: 500 })]);
  cfg = await writeConfigDir({
    mqttUrl: broker.url,
    profiles: GAS_PROFILES,
    sites: {
      'zjk-depot': {
        id: 'zjk-depot',
        type: 'storage',
        responsible: [
          { name: 'Li Wei', webhook: `${rx.url}/li-wei`, escalateAfter: '30m' },
          { name: 'Zhao Min', webhook: `${rx.url}/zhao-min`, escalateAfter: '30m' },
        ],
        sensors: [{ id: 'GD-12', kind: 'gas', gas: 'methane', unit: 'ppm', profile: 'combustible-gas' }],
      },
    },
    main: {
      notify: {
        channels: [{ name: 'scada', type: 'webhook', url: `${rx.url}/scada` }],
        routes: [{ priorities: ['critical'], channels: ['scada'] }],
        escalation: { priorities: ['critical'] },
        retry: { initialDelay: '200ms', maxDelay: '500ms', giveUpAfter: '1h' },
      },
    },
  });
  client = await connectClient(broker.url, {}, recordAll(seen));
  await client.subscribeAsync('gaswatch/events', { qos: 1 });
});

afterAll(async () => {
  await client?.endAsync();
  await app?.stop();
  await Promise.all([broker?.stop(), rx?.close(), cfg?.cleanup()]);
});

const delivered = (from: number) =>
  rx.requests
    .slice(from)
    .map((r) => `${r.url} ${(r.body as { title?: string }).title}`)
    .sort();

describe('notifications queued at a stop', () => {
  it('are kept in the state directory and delivered once after the next start', { timeout: 60_000 }, async () => {
    app = await startApp(cfg.file);
    await client.publishAsync('gas/zjk-depot/GD-12', JSON.stringify({ value: 23_100 }), { qos: 1 });
    // Both paths tried and failing (500) at least twice: the messages wait in their queues.
    await waitFor(
      () =>
        rx.requests.filter((r) => r.url === '/scada').length >= 2 &&
        rx.requests.filter((r) => r.url === '/li-wei').length >= 2,
      { message: 'deliveries failing and retried' },
    );
    await app.stop();
    app = undefined;
    const saved = JSON.parse(await readFile(path.join(cfg.stateDir, OUTBOX_FILE), 'utf8')) as { jobs: SavedJob[] };
    expect(saved.jobs.map((j) => [j.channel, j.n.title, j.notice?.to]).sort()).toEqual([
      ['scada', '[CRITICAL] Raised: zjk-depot GD-12 hihi', 'scada'],
      ['zjk-depot-responsible-1', '[CRITICAL] For Li Wei: zjk-depot GD-12 hihi', 'Li Wei'],
    ]);

    rx.fallback = { status: 200, body: { ok: true } };
    const before = rx.requests.length;
    const notifiedBefore = seen.length;
    app = await startApp(cfg.file);
    await waitFor(() => delivered(before).length >= 2, { message: 'both delivered after the start' });
    // Time for a second, wrong call to Li Wei (the resumed chain) or a repeat to show up.
    await sleep(1500);
    expect(delivered(before)).toEqual([
      '/li-wei [CRITICAL] For Li Wei: zjk-depot GD-12 hihi',
      '/scada [CRITICAL] Raised: zjk-depot GD-12 hihi',
    ]);
    const notified = seen
      .slice(notifiedBefore)
      .filter((m) => m.topic === 'gaswatch/events')
      .map((m) => JSON.parse(m.payload) as AlarmEvent)
      .filter((e) => e.type === 'notified')
      .map((e) => [e.alarm.id, e.operator, e.comment]);
    expect(notified.sort()).toEqual([
      ['zjk-depot/GD-12/hihi', 'Li Wei', 'escalation 1/2 via their webhook'],
      ['zjk-depot/GD-12/hihi', 'scada', 'raised via scada'],
    ]);
    const after = JSON.parse(await readFile(path.join(cfg.stateDir, OUTBOX_FILE), 'utf8')) as { jobs: SavedJob[] };
    expect(after.jobs).toEqual([]);
  });
});
