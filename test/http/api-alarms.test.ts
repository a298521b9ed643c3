/** The alarm endpoints: summary, journal, ack/shelve/unshelve, refusals and bad bodies. */
import type { InjectOptions } from 'fastify';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALARM_EVENT_TYPES, type AlarmEvent, type AlarmRecord } from '../../src/domain/types.js';
import { bearer, type Harness, login, makeHarness, PASSWORDS, type Session, TOKENS } from './harness.js';

let h: Harness;
let wang: Session;

beforeAll(async () => {
  h = await makeHarness();
  wang = await login(h.server, 'wang', PASSWORDS.wang);
});

const inject = (opts: InjectOptions) => h.server.app.inject(opts);
const get = (url: string) => inject({ method: 'GET', url, headers: wang.write });
const post = (url: string, payload?: unknown, headers: Record<string, string> = wang.write) =>
  inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

let n = 0;
/** A fresh hi alarm on a fresh sensor, so tests do not depend on each other's order. */
function leak(value = 27, site = 'zjk-depot'): string {
  const sensor = `GD-T${++n}`;
  h.plant.gasSensor(site, sensor, 'test-rig');
  h.clock.advance(1000);
  h.plant.publish(site, sensor, value);
  return `${site}/${sensor}/${value >= 40 ? 'hihi' : 'hi'}`;
}

describe('GET /api/alarms', () => {
  beforeEach(() => h.plant.alarms.records.clear());

  it('lists active and cleared-unacked alarms, most urgent priority first, then newest first', async () => {
    const olderHigh = leak(25);
    const critical = leak(45); // raises hi and hihi
    const newerHigh = leak(26);
    const cleared = leak(30);
    h.clock.advance(1000);
    h.plant.publish('zjk-depot', cleared.split('/')[1] as string, 1);
    const res = await get('/api/alarms');
    expect(res.statusCode).toBe(200);
    const list = res.json() as AlarmRecord[];
    expect(list[0]?.id).toBe(critical);
    const highs = list.filter((a) => a.priority === 'high').map((a) => a.id);
    expect(highs.indexOf(newerHigh)).toBeLessThan(highs.indexOf(olderHigh));
    expect(list.find((a) => a.id === cleared)?.state).toBe('cleared_unacked');
  });

  it('filters by ?state=, as a comma list or repeated, and refuses unknown states', async () => {
    const a = leak();
    const b = leak();
    expect((await post(`/api/alarms/${b}/ack`, {})).statusCode).toBe(200);
    const unacked = (await get('/api/alarms?state=active_unacked')).json() as AlarmRecord[];
    expect(unacked.map((x) => x.id)).toEqual([a]);
    const both = (await get('/api/alarms?state=active_unacked&state=active_acked')).json() as AlarmRecord[];
    expect(both.map((x) => x.id).sort()).toEqual([a, b].sort());
    expect((await get('/api/alarms?state=active_unacked,active_acked')).json()).toHaveLength(2);
    const bad = await get('/api/alarms?state=burning');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'bad_request' });
    expect(bad.json().message).toMatch(/query\.state.*one of normal, active_unacked/);
  });
});

describe('GET /api/alarms/event-types', () => {
  it('lists the journal event types the daemon defines, for the console filter', async () => {
    const res = await get('/api/alarms/event-types');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([...ALARM_EVENT_TYPES]);
    expect((await inject({ method: 'GET', url: '/api/alarms/event-types' })).statusCode).toBe(401);
  });
});

describe('POST …/ack', () => {
  it('acknowledges with the operator and comment, which the journal records', async () => {
    const id = leak();
    const res = await post(`/api/alarms/${id}/ack`, { comment: '  gas detector checked, valve closed ' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id,
      state: 'active_acked',
      ackedBy: 'wang',
      comment: 'gas detector checked, valve closed',
    });
    const journal = (await get(`/api/alarms/history?sensor=${id.split('/')[1]}&type=acked`)).json() as AlarmEvent[];
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({
      type: 'acked',
      operator: 'wang',
      comment: 'gas detector checked, valve closed',
    });
  });

  it('takes no body, an empty comment or null as "no comment"', async () => {
    for (const payload of [undefined, {}, { comment: null }, { comment: '   ' }]) {
      const res = await post(`/api/alarms/${leak()}/ack`, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(200);
      expect(res.json().comment).toBeNull();
    }
  });

  it('answers 404 for an unknown alarm and 409 for one that is not unacknowledged', async () => {
    const unknown = await post('/api/alarms/zjk-depot/GD-99/hihi/ack', {});
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'not_found' });
    const id = leak();
    await post(`/api/alarms/${id}/ack`, {});
    const again = await post(`/api/alarms/${id}/ack`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'invalid_state' });
    expect(again.json().message).toContain('active_acked');
  });

  it('works with an operator bearer token and no CSRF token', async () => {
    const res = await post(`/api/alarms/${leak()}/ack`, { comment: 'from SCADA' }, bearer(TOKENS.bot));
    expect(res.statusCode).toBe(200);
    expect(res.json().ackedBy).toBe('scada-bot');
  });
});

describe('POST …/shelve and …/unshelve', () => {
  it('shelves for a time with a reason, then unshelves; the journal names who', async () => {
    const id = leak();
    const res = await post(`/api/alarms/${id}/shelve`, { minutes: 90, reason: 'detector under replacement' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ shelved: true, shelvedBy: 'wang', shelveReason: 'detector under replacement' });
    expect(Date.parse(res.json().shelvedUntil) - h.clock.now()).toBe(90 * 60_000);
    const un = await post(`/api/alarms/${id}/unshelve`, {});
    expect(un.statusCode).toBe(200);
    expect(un.json().shelved).toBe(false);
    expect((await post(`/api/alarms/${id}/unshelve`)).statusCode).toBe(409);
    const types = ((await get(`/api/alarms/history?sensor=${id.split('/')[1]}`)).json() as AlarmEvent[]).map((e) => [
      e.type,
      e.operator,
    ]);
    expect(types.slice(0, 2)).toEqual([
      ['unshelved', 'wang'],
      ['shelved', 'wang'],
    ]);
  });

  it('answers 404 for an unknown alarm', async () => {
    const res = await post('/api/alarms/zjk-depot/GD-99/hi/shelve', { minutes: 10, reason: 'x' });
    expect(res.statusCode).toBe(404);
  });
});

describe('bad requests get 400 with a message naming the field', () => {
  const cases: [string, string, unknown, RegExp][] = [
    ['ack', 'comment of the wrong type', { comment: 42 }, /body\.comment: expected comment as a string/],
    ['ack', 'a misspelt field', { coment: 'x' }, /Unrecognized key.*coment/],
    ['ack', 'a comment too long', { comment: 'x'.repeat(1001) }, /longer than 1000/],
    ['ack', 'an array', [1, 2], /expected a JSON object/],
    ['shelve', 'no minutes', { reason: 'r' }, /body\.minutes: expected minutes as a number/],
    ['shelve', 'zero minutes', { minutes: 0, reason: 'r' }, /at least 1/],
    ['shelve', 'fractional minutes', { minutes: 1.5, reason: 'r' }, /whole number/],
    ['shelve', 'more than a week', { minutes: 20_000, reason: 'r' }, /at most 10080/],
    ['shelve', 'minutes as text', { minutes: '60', reason: 'r' }, /expected minutes as a number/],
    ['shelve', 'no reason', { minutes: 60 }, /body\.reason/],
    ['shelve', 'a blank reason', { minutes: 60, reason: '  ' }, /reason is required/],
    ['unshelve', 'an unexpected field', { minutes: 3 }, /Unrecognized key/],
  ];
  for (const [action, what, payload, message] of cases)
    it(`${action}: ${what}`, async () => {
      const id = leak();
      const res = await post(`/api/alarms/${id}/${action}`, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toBe('bad_request');
      expect(res.json().message).toMatch(message);
      expect(h.plant.alarms.records.get(id)?.state).toBe('active_unacked');
    });

  it('malformed JSON', async () => {
    const res = await inject({
      method: 'POST',
      url: `/api/alarms/${leak()}/ack`,
      headers: { ...wang.write, 'content-type': 'application/json' },
      payload: '{"comment": "unterminated',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'bad_request' });
    expect(res.json().message).toMatch(/JSON/);
  });

  it('an alarm id that is not three ids', async () => {
    const res = await post('/api/alarms/zjk%20depot/GD-12/hi/ack', {});
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/path\.site/);
  });

  it('history queries out of range', async () => {
    for (const [q, msg] of [
      ['limit=0', /limit must be at least 1/],
      ['limit=lots', /limit must be a number/],
      ['type=exploded', /type must be one of raised/],
      ['since=yesterday', /since must be epoch ms or an ISO-8601/],
    ] as const) {
      const res = await get(`/api/alarms/history?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().message, q).toMatch(msg);
    }
  });

  it('a body over the limit is refused with 413', async () => {
    const res = await post(`/api/alarms/${leak()}/ack`, { comment: 'x'.repeat(20_000) });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toBe('too_large');
  });
});

describe('GET /api/alarms/history', () => {
  it('passes filters to the journal and returns it newest first', async () => {
    const id = leak(28, 'bj-station-3');
    h.clock.advance(1000);
    await post(`/api/alarms/${id}/ack`, { comment: 'c' });
    const since = new Date(h.clock.now() - 500).toISOString();
    const res = (await get(`/api/alarms/history?site=bj-station-3&since=${since}`)).json() as AlarmEvent[];
    expect(res.map((e) => e.type)).toEqual(['acked']);
    expect((await get('/api/alarms/history?limit=1')).json()).toHaveLength(1);
  });
});
