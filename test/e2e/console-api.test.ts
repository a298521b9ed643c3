/**
 * Issue 11 through the real daemon (real Mosquitto), where an operator meets it:
 * - finding 6: a real system alarm (`_gaswatch/notify-scada/system`, raised because the SCADA
 *   webhook is down) is acknowledged and shelved over HTTP like any other alarm, and the retained
 *   record on MQTT follows;
 * - finding 5: readings on topics whose site breaks the id rule never make the console's lookups
 *   (`/api/sensors?site=`, `/api/events?site=`) answer 400 for a site the daemon listed;
 * - finding 10: a password changed in the config ends that operator's sessions on reload.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { App } from '../../src/app.js';
import { hashPassword } from '../../src/http/auth.js';
import { type ConfigDir, startApp, writeConfigDir } from '../helpers/daemon.js';
import { GAS_PROFILES } from '../helpers/engine.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
import { freePort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait.js';

const CHEAP = { N: 1024, r: 8, p: 1 };
const TOKEN = 'Zk2Vb7Xn1Lm4Pr6Ts9Uw3Yc5Ef0Hj2Lx7q8';

let broker: Mosquitto;
let cfg: ConfigDir;
let app: App | undefined;
let client: MqttClient;
let url: string;
const seen: ReceivedMessage[] = [];

beforeAll(async () => {
  broker = await startMosquitto();
  const deadPort = await freePort(); // nothing listens: the SCADA webhook is down
  cfg = await writeConfigDir({
    mqttUrl: broker.url,
    profiles: GAS_PROFILES,
    sites: {
      'zjk-depot': {
        id: 'zjk-depot',
        type: 'storage',
        sensors: [
          { id: 'GD-12', kind: 'gas', gas: 'methane', unit: '%LEL', profile: 'combustible-gas' },
          { id: 'GD-13', kind: 'gas', gas: 'methane', unit: 'ppm', profile: 'combustible-gas' },
        ],
      },
    },
    main: {
      operators: [
        { name: 'wang', role: 'operator', passwordHash: await hashPassword('wang-old-pw', CHEAP) },
        { name: 'li', role: 'operator', passwordHash: await hashPassword('li-pw-1234', CHEAP) },
        { name: 'scada-bot', role: 'operator', token: TOKEN },
      ],
      notify: {
        channels: [{ name: 'scada', type: 'webhook', url: `http://127.0.0.1:${deadPort}/hook`, timeout: '1s' }],
        routes: [{ priorities: ['critical'], channels: ['scada'] }],
        retry: { initialDelay: '50ms', maxDelay: '200ms' },
      },
    },
  });
  client = await connectClient(broker.url, {}, recordAll(seen));
  await client.subscribeAsync('gaswatch/alarms/#', { qos: 1 });
  app = await startApp(cfg.file);
  url = app.httpUrl as string;
});

afterAll(async () => {
  await client?.endAsync();
  await app?.stop();
  await Promise.all([broker?.stop(), cfg?.cleanup()]);
});

async function login(name: string, password: string): Promise<{ cookie: string; csrf: string; status: number }> {
  const res = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  if (res.status !== 200) return { cookie: '', csrf: '', status: res.status };
  const cookie = (res.headers.getSetCookie().find((c) => c.startsWith('gaswatch_session=')) ?? '').split(';')[0] ?? '';
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken, status: 200 };
}

const retained = (id: string) =>
  seen
    .filter((m) => m.topic === `gaswatch/alarms/${id}` && m.payload)
    .map((m) => JSON.parse(m.payload) as { state: string; shelved: boolean; ackedBy: string | null })
    .at(-1);

describe('system alarms over HTTP (finding 6)', () => {
  it('a real system alarm is acknowledged and shelved from the console like any other', async () => {
    await client.publishAsync('gas/zjk-depot/GD-12', JSON.stringify({ value: 60 }), { qos: 1 });
    const id = '_gaswatch/notify-scada/system';
    const auth = { authorization: `Bearer ${TOKEN}` };
    await waitFor(
      async () =>
        ((await (await fetch(`${url}/api/alarms`, { headers: auth })).json()) as { id: string }[]).some(
          (a) => a.id === id,
        ),
      { timeout: 15_000, message: 'system alarm raised by the failing webhook' },
    );
    const wang = await login('wang', 'wang-old-pw');
    const post = (action: string, body: unknown) =>
      fetch(`${url}/api/alarms/${id}/${action}`, {
        method: 'POST',
        headers: { cookie: wang.cookie, 'x-csrf-token': wang.csrf, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ack = await post('ack', { comment: 'SCADA link down, IT called' });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ id, state: 'active_acked', ackedBy: 'wang' });
    const shelve = await post('shelve', { minutes: 60, reason: 'SCADA maintenance window' });
    expect(shelve.status).toBe(200);
    expect(await shelve.json()).toMatchObject({ id, shelved: true });
    await waitFor(() => retained(id)?.shelved === true && retained(id)?.state === 'active_acked', {
      message: 'retained system alarm record acked and shelved',
    });
  });
});

describe('a bad topic cannot break the console (finding 5)', () => {
  it('every site the daemon lists can be asked for; none answers 400', async () => {
    for (const topic of ['gas/<img src=x>/y', 'gas/a b/c', 'gas/.dot/z'])
      await client.publishAsync(topic, JSON.stringify({ value: 1 }), { qos: 1 });
    await client.publishAsync('gas/zjk-depot/GD-12', JSON.stringify({ value: 61 }), { qos: 1 });
    const auth = { authorization: `Bearer ${TOKEN}` };
    // The last reading is in: everything before it on the same connection has been handled.
    await waitFor(
      async () =>
        ((await (await fetch(`${url}/api/sensors?site=zjk-depot`, { headers: auth })).json()) as { value: number }[])[0]
          ?.value === 61,
      { message: 'readings handled' },
    );
    const sites = (await (await fetch(`${url}/api/sites`, { headers: auth })).json()) as { site: string }[];
    expect(sites.length).toBeGreaterThan(0);
    for (const { site } of sites) {
      const q = encodeURIComponent(site);
      expect((await fetch(`${url}/api/sensors?site=${q}`, { headers: auth })).status, site).toBe(200);
      const ctl = new AbortController();
      const events = await fetch(`${url}/api/events?site=${q}`, { headers: auth, signal: ctl.signal });
      expect(events.status, site).toBe(200);
      ctl.abort();
    }
  });
});

describe('a sensor’s trend', () => {
  it('carries its setpoints in the sensor’s own unit, highest first, for the chart’s level lines', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const trend = async (sensor: string) =>
      (await (await fetch(`${url}/api/sensors/zjk-depot/${sensor}/trend`, { headers: auth })).json()) as {
        unit: string;
        setpoints: unknown[];
      };
    expect(await trend('GD-12')).toMatchObject({
      unit: '%LEL',
      setpoints: [
        { condition: 'hihi', priority: 'critical', value: 40 },
        { condition: 'hi', priority: 'high', value: 20 },
      ],
    });
    // A ppm methane detector with %LEL setpoints: methane's LEL is 4.4 %vol (IEC 60079-20-1, the
    // gas table's source), so 40 %LEL is 17,600 ppm.
    const ppm = await trend('GD-13');
    expect(ppm.unit).toBe('ppm');
    expect(ppm.setpoints).toEqual([
      { condition: 'hihi', priority: 'critical', value: expect.closeTo(17_600, 6) },
      { condition: 'hi', priority: 'high', value: expect.closeTo(8_800, 6) },
    ]);
  });
});

describe('a changed password (finding 10)', () => {
  it('ends that operator’s sessions when the config is reloaded, and only theirs', async () => {
    const wang = await login('wang', 'wang-old-pw');
    const li = await login('li', 'li-pw-1234');
    const alarms = (cookie: string) => fetch(`${url}/api/alarms`, { headers: { cookie } });
    expect((await alarms(wang.cookie)).status).toBe(200);
    const main = parse(await readFile(cfg.file, 'utf8'));
    main.operators[0].passwordHash = await hashPassword('wang-new-pw', CHEAP);
    await writeFile(cfg.file, stringify(main));
    await app?.reload();
    await waitFor(async () => (await alarms(wang.cookie)).status === 401, { message: 'old session ended' });
    expect((await alarms(li.cookie)).status).toBe(200);
    expect((await login('wang', 'wang-old-pw')).status).toBe(401);
    expect((await login('wang', 'wang-new-pw')).status).toBe(200);
  });
});
