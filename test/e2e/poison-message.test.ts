/**
 * No message can crash the daemon twice (issue 11 finding 2): a real daemon (child process) that a
 * message really crashes — through the test-only crash hook, by an uncaught exception and by running
 * the JavaScript heap out of memory — is started again by the test, as a service manager would.
 * The broker redelivers the unacknowledged messages to the persistent session; the one that crashed
 * the daemon is recognised, quarantined (kept in a file), counted and raised as a system alarm, and
 * every other reading is stored.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmEvent } from '../../src/domain/types.js';
import { startChildDaemon } from '../helpers/child-daemon.js';
import { type ConfigDir, writeConfigDir } from '../helpers/daemon.js';
import { type Influxd, startInfluxd } from '../helpers/influxd.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
import { waitFor } from '../helpers/wait.js';

const MARKER = 'POISON-7f3a';
let broker: Mosquitto;
let influx: Influxd;
let client: MqttClient;
const seen: ReceivedMessage[] = [];
const dirs: ConfigDir[] = [];

beforeAll(async () => {
  [broker, influx] = await Promise.all([startMosquitto(), startInfluxd()]);
  client = await connectClient(broker.url, {}, recordAll(seen));
  await client.subscribeAsync('gaswatch/events', { qos: 1 });
});

afterAll(async () => {
  await client?.endAsync();
  await Promise.all([broker?.stop(), influx?.stop()]);
  for (const d of dirs) await d.cleanup();
});

const poisonEvents = () =>
  seen
    .filter((m) => m.topic === 'gaswatch/events')
    .map((m) => JSON.parse(m.payload) as AlarmEvent)
    .filter((e) => e.alarm.id === '_gaswatch/poison-message/system');

describe('a message that crashes the daemon', () => {
  for (const mode of ['throw', 'oom'] as const)
    it(`(${mode === 'throw' ? 'an uncaught exception' : 'heap out of memory'}) crashes it once, then is quarantined`, async () => {
      const db = `gaswatch_poison_${mode}`;
      const cfg = await writeConfigDir({
        mqttUrl: broker.url,
        influxUrl: influx.url,
        database: db,
        profiles: { gas: { unit: '%LEL', range: [0, 100], setpoints: { hi: { value: 20, priority: 'high' } } } },
        sites: {
          s1: {
            id: 's1',
            type: 'station',
            sensors: ['GD-1', 'GD-2'].map((id) => ({
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
      dirs.push(cfg);
      const env = {
        NODE_ENV: 'test',
        GASWATCH_TEST_CRASH_HOOK: `${mode}:${MARKER}`,
        // a small heap, so that running out of it takes a moment, not minutes
        NODE_OPTIONS: mode === 'oom' ? '--max-old-space-size=128' : '',
      };
      seen.length = 0;
      const first = startChildDaemon(cfg.file, { env });
      await first.waitForLog('gaswatch running');
      const t0 = Date.now() - 60_000;
      const reading = (i: number) => JSON.stringify({ value: 5 + (i % 10), ts: t0 + i * 100 });
      for (let i = 0; i < 20; i++) await client.publishAsync('gas/s1/GD-1', reading(i), { qos: 1 });
      const poison = JSON.stringify({ value: 7, ts: t0, note: MARKER });
      await client.publishAsync('gas/s1/GD-2', poison, { qos: 1 });
      for (let i = 20; i < 40; i++) await client.publishAsync('gas/s1/GD-1', reading(i), { qos: 1 });
      const died = await first.exited;
      expect(died.code === 0).toBe(false);
      const crashes = [died];

      // The service manager starts it again; the broker delivers what was not acknowledged.
      const second = startChildDaemon(cfg.file, { env });
      try {
        const exitedAgain = second.exited.then((e) => crashes.push(e));
        const quarantined = await second.waitForLog(/quarantined, not processed/, 30_000);
        expect(quarantined).toMatchObject({ topic: 'gas/s1/GD-2', bytes: Buffer.byteLength(poison) });
        await waitFor(async () => (await influx.count(db, 'reading')) === 40, {
          timeout: 30_000,
          message: 'the 40 other readings stored',
        });
        expect(await influx.count(db, 'reading')).toBe(40);
        expect(await influx.query(`SELECT count(value) FROM reading WHERE sensor = 'GD-2'`, db)).toEqual([]);
        await waitFor(() => poisonEvents().some((e) => e.type === 'raised'), { message: 'system alarm raised' });
        const raised = poisonEvents().find((e) => e.type === 'raised') as AlarmEvent;
        expect(raised.alarm.message).toContain('gas/s1/GD-2');
        const lines = (await readFile(path.join(cfg.stateDir, 'quarantine', 'poison-messages.jsonl'), 'utf8'))
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { topic: string; payloadBase64: string; verdict: string });
        expect(lines).toHaveLength(1);
        expect(Buffer.from(lines[0]?.payloadBase64 ?? '', 'base64').toString()).toBe(poison);
        expect(lines[0]?.verdict).toMatch(mode === 'throw' ? /test crash hook/ : /OOM|heap|fatal/i);
        // Still running, and still working.
        await client.publishAsync('gas/s1/GD-1', JSON.stringify({ value: 30 }), { qos: 1 });
        await waitFor(async () => (await influx.count(db, 'reading')) === 41, { message: 'a later reading stored' });
        expect(crashes).toHaveLength(1);
        void exitedAgain;
      } finally {
        await second.stop();
      }
    });
});
