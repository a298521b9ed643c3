/**
 * Hidden hazards through the real daemon, Mosquitto and InfluxDB (SPEC §11): a detector silent past
 * the rule opens a hazard with the right owner and deadline (retained record, event, hazard_event
 * point, a message to the owner); past its deadline it is overdue and climbs the chain (the next
 * people's webhooks); one operator rectifies; across a restart nothing is lost (the rectifier is
 * remembered, no second `hazard_opened`); the same operator cannot verify, nor can anyone while the
 * sensor is still silent; once it speaks again a second operator verifies and the retained record
 * empties. Durations are seconds so that it runs in seconds.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { HazardEvent, HazardRecord } from '../../src/domain/hazards.js';
import { startApp } from '../helpers/daemon.js';
import { GAS_PROFILES } from '../helpers/engine.js';
import { collect, connectClient, type ReceivedMessage } from '../helpers/mqtt-client.js';
import { type Plant, startPlant } from '../helpers/plant.js';
import { waitFor } from '../helpers/wait.js';
import { type Receiver, startReceiver } from '../notify/receiver.js';

const DB = 'gaswatch_hazards';
const TOKENS = { wang: 'tok-wang-5e1c9a0f3b7d42e6a8c1f09d', li: 'tok-li-b7f2e4c81a9d03f5e6b2c7a4d1' };
const ID = 'zjk-depot/H-1';

let plant: Plant;
let rx: Receiver;
let app: App | undefined;
let client: MqttClient;
let events: ReceivedMessage[];
let records: ReceivedMessage[];

const hazardEvents = (type?: string) =>
  events
    .map((m) => JSON.parse(m.payload) as HazardEvent & { alarm?: unknown })
    .filter((e) => e.type.startsWith('hazard_') && (!type || e.type === type));

/** Hazard messages a person's webhook received (the stale alarm's own escalation goes there too). */
const toPerson = (path: string) =>
  rx.requests
    .filter((r) => r.url === path && (r.body as { type: string }).type === 'hazard')
    .map((r) => (r.body as { title: string }).title);

async function api(method: 'GET' | 'POST', path: string, who?: keyof typeof TOKENS, body?: unknown) {
  const res = await fetch(`${app?.httpUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKENS[who ?? 'li']}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & HazardRecord[] };
}

beforeAll(async () => {
  rx = await startReceiver();
  const person = (name: string, path: string) => ({ name, webhook: `${rx.url}${path}`, escalateAfter: '5m' });
  plant = await startPlant({
    mosquitto: { persistence: true },
    database: DB,
    config: {
      profiles: GAS_PROFILES,
      sites: {
        'zjk-depot': {
          id: 'zjk-depot',
          name: 'Zhangjiakou gas storage depot',
          type: 'storage',
          responsible: [person('Li Wei', '/li-wei'), person('Zhao Min', '/zhao-min'), person('Sun Hao', '/sun-hao')],
          sensors: [
            { id: 'GD-12', kind: 'gas', gas: 'methane', unit: 'ppm', profile: 'combustible-gas', interval: '1s' },
          ],
        },
      },
      main: {
        alarms: { startupGrace: '1s' },
        hazards: {
          rules: { stale: { for: '1s', severity: 'major' } },
          deadlines: { major: '3s' },
          escalateAfter: '2s',
        },
        operators: [
          { name: 'wang', role: 'operator', token: TOKENS.wang },
          { name: 'li', role: 'operator', token: TOKENS.li },
        ],
        // No channels: the people's own webhooks are the escalation's only path.
        notify: { escalation: { channels: [] } },
      },
    },
  });
  client = await connectClient(plant.broker.url);
  events = await collect(client, 'gaswatch/events');
  records = await collect(client, 'gaswatch/hazards/#');
});

afterAll(async () => {
  await client?.endAsync();
  await app?.stop();
  await Promise.all([plant?.stop(), rx?.close()]);
});

describe('hidden hazards in the daemon', () => {
  it('registers, escalates, survives a restart, and closes only by two people', async () => {
    app = await startApp(plant.cfg.file);
    // One reading, then silence: stale after 3 × 1 s, the rule 1 s after that.
    await client.publishAsync('gas/zjk-depot/GD-12', JSON.stringify({ value: 0 }), { qos: 1 });

    const opened = await waitFor(() => hazardEvents('hazard_opened')[0], {
      timeout: 20_000,
      message: 'hazard_opened on gaswatch/events',
    });
    const h = opened?.hazard as HazardRecord;
    expect(h).toMatchObject({
      id: ID,
      site: 'zjk-depot',
      sensor: 'GD-12',
      kind: 'stale',
      severity: 'major',
      state: 'open',
      owner: 'Li Wei',
      overdue: false,
      condition: 'present',
    });
    expect(Date.parse(h.deadline) - Date.parse(h.createdAt)).toBe(3000);
    expect(opened).toMatchObject({ by: 'gaswatch', to: { name: 'Li Wei', step: 0, of: 3 } });
    // The retained record, the owner's message and the hazard_event point.
    const retained = await waitFor(() => records.find((m) => m.topic === `gaswatch/hazards/${ID}`));
    expect(JSON.parse(retained.payload)).toMatchObject({ id: ID, state: 'open', owner: 'Li Wei' });
    await waitFor(() => toPerson('/li-wei').length > 0, { message: 'the owner is told' });
    expect(toPerson('/li-wei')[0]).toBe('[MAJOR] Hidden hazard for Li Wei: zjk-depot/H-1 GD-12 stale');
    const point = await waitFor(async () => (await plant.influx.query('SELECT * FROM hazard_event', DB))[0], {
      message: 'hazard_event in InfluxDB',
    });
    expect(point).toMatchObject({
      site: 'zjk-depot',
      sensor: 'GD-12',
      kind: 'stale',
      severity: 'major',
      type: 'hazard_opened',
      id: ID,
      state: 'open',
      owner: 'Li Wei',
      by: 'gaswatch',
      deadline: h.deadline,
      overdue: false,
    });

    // Past its deadline: overdue, to the next person up; a period later, to the one after.
    await waitFor(() => toPerson('/sun-hao').length > 0, { timeout: 20_000, message: 'escalated to Sun Hao' });
    const overdue = hazardEvents('hazard_overdue');
    expect(overdue.slice(0, 2).map((e) => e.to?.name)).toEqual(['Zhao Min', 'Sun Hao']);
    expect(overdue[0]?.hazard).toMatchObject({ overdue: true });
    expect(toPerson('/zhao-min')[0]).toBe(
      '[MAJOR] Hidden hazard overdue, escalated to Zhao Min: zjk-depot/H-1 GD-12 stale',
    );

    // One operator rectifies (the sensor is still silent: the fix will be checked on verification).
    const rectified = await api('POST', `/api/hazards/${ID}/rectify`, 'wang', { note: 'replaced the radio module' });
    expect(rectified.status).toBe(200);
    expect(rectified.body).toMatchObject({ state: 'rectified', overdue: false });
    const before = (await api('GET', '/api/hazards')).body;

    // Restart on the same state directory.
    await app.stop();
    const openedBefore = hazardEvents('hazard_opened').length;
    app = await startApp(plant.cfg.file);
    expect((await api('GET', '/api/hazards')).body).toEqual(before);

    const same = await api('POST', `/api/hazards/${ID}/verify`, 'wang', { note: 'looks fine' });
    expect([same.status, same.body.error]).toEqual([403, 'two_person_rule']);
    expect(same.body.message).toBe('wang rectified this hazard, so another person must verify it (two-person rule)');
    const tooSoon = await api('POST', `/api/hazards/${ID}/verify`, 'li', {});
    expect([tooSoon.status, tooSoon.body.error]).toEqual([409, 'condition_present']);

    // The sensor speaks again: the condition clears (recorded), and a second person verifies.
    await client.publishAsync('gas/zjk-depot/GD-12', JSON.stringify({ value: 0 }), { qos: 1 });
    await waitFor(async () => (await api('GET', '/api/hazards')).body[0]?.condition === 'cleared', {
      message: 'condition cleared',
    });
    const verified = await api('POST', `/api/hazards/${ID}/verify`, 'li', { note: 'readings every second for 5 min' });
    expect(verified.status).toBe(200);
    expect((verified.body as unknown as HazardRecord).history.map((l) => `${l.action} ${l.by}`)).toEqual([
      'opened gaswatch',
      'overdue gaswatch',
      'escalated gaswatch',
      ...(verified.body as unknown as HazardRecord).history.slice(3, -3).map(() => 'escalated gaswatch'), // reminders to Sun Hao, as many as the seconds allowed
      'rectified wang',
      'condition_cleared gaswatch',
      'verified li',
    ]);
    await waitFor(() => records.some((m) => m.topic === `gaswatch/hazards/${ID}` && m.payload === ''), {
      message: 'the retained record emptied',
    });
    expect(hazardEvents('hazard_verified')).toHaveLength(1);
    expect(hazardEvents('hazard_opened')).toHaveLength(openedBefore);
    // A newcomer finds no retained record of the closed hazard.
    const late = await connectClient(plant.broker.url);
    const seen = await collect(late, 'gaswatch/hazards/#');
    await new Promise((r) => setTimeout(r, 500));
    await late.endAsync();
    expect(seen.filter((m) => m.payload !== '')).toEqual([]);

    const types = await waitFor(
      async () => {
        const rows = await plant.influx.query('SELECT "type", "by" FROM hazard_event', DB);
        return rows.some((r) => r.type === 'hazard_verified') ? rows : undefined;
      },
      { message: 'hazard_verified in InfluxDB' },
    );
    expect(new Set(types.map((r) => `${r.type} ${r.by}`))).toEqual(
      new Set(['hazard_opened gaswatch', 'hazard_overdue gaswatch', 'hazard_rectified wang', 'hazard_verified li']),
    );
  });
});
