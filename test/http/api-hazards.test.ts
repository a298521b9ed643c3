/**
 * The hazard and KPI endpoints of SPEC §11 over a real hazard register (fed by a real alarm engine
 * on a manual clock): roles, CSRF, validation with clear messages, the two-person rule as 403,
 * refused transitions as 409, and the KPI range checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HazardRecord } from '../../src/domain/hazards.js';
import { hazardRig } from '../hazards/rig.js';
import { bearer, type Harness, login, makeHarness, PASSWORDS, type Session, TOKENS } from './harness.js';

const rig = hazardRig({ rules: { stale: { for: '1h', severity: 'major' } } });
const kpiCalls: [number, number, string | null][] = [];
let failKpis = false;
let h: Harness;
let wang: Session;
let viewer: Session;

beforeAll(async () => {
  h = await makeHarness({
    clock: rig.clock,
    extra: {
      hazards: rig.register,
      kpis: {
        compute: async (from, to, site) => {
          kpiCalls.push([from, to, site]);
          if (failKpis) throw new Error('InfluxDB: timeout');
          return { raised: 0 };
        },
      },
    },
  });
  wang = await login(h.server, 'wang', PASSWORDS.wang);
  viewer = await login(h.server, 'zhao', PASSWORDS.zhao);
});

afterAll(async () => {
  await h?.server.stop();
});

const inject = (method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}, payload?: unknown) =>
  h.server.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

const NEW = {
  site: 'zjk-depot',
  sensor: 'GD-12',
  severity: 'major',
  description: 'Detector head cracked by a forklift',
};

describe('POST /api/hazards', () => {
  it('needs an operator (and the CSRF token from a console session)', async () => {
    expect((await inject('POST', '/api/hazards', {}, NEW)).statusCode).toBe(401);
    const asViewer = await inject('POST', '/api/hazards', viewer.write, NEW);
    expect(asViewer.statusCode).toBe(403);
    expect(asViewer.json()).toEqual({ error: 'forbidden', message: 'needs role operator; zhao is viewer' });
    const noCsrf = await inject('POST', '/api/hazards', { cookie: wang.cookie }, NEW);
    expect(noCsrf.json()).toMatchObject({ error: 'csrf' });
  });

  it('registers a hazard by hand: 201 with the record, owner and deadline from the config', async () => {
    const res = await inject('POST', '/api/hazards', wang.write, NEW);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      id: 'zjk-depot/H-1',
      kind: 'manual',
      state: 'open',
      owner: 'Li Wei',
      deadline: new Date(rig.clock.now() + 24 * 3_600_000).toISOString(),
      description: 'Detector head cracked by a forklift',
      history: [{ by: 'wang', action: 'opened' }],
    });
  });

  it('says what is wrong with a request', async () => {
    const cases: [unknown, number, string][] = [
      [{ ...NEW, description: '  ' }, 400, 'body.description: a description of the hazard is required'],
      [{ ...NEW, severity: 'critical' }, 400, 'body.severity: severity must be one of major, minor'],
      [{ ...NEW, kind: 'stale' }, 400, 'body.kind: kind of a hazard registered by hand is "manual"'],
      [
        { ...NEW, sensor: 'GD 12' },
        400,
        'body.sensor: expected an id of 1–128 letters, digits, ".", "_", "-", not starting with "."',
      ],
      [{ ...NEW, site: 'nowhere' }, 404, 'no site "nowhere" in the config'],
      [{ ...NEW, colour: 'red' }, 400, 'body: Unrecognized key: "colour"'],
    ];
    for (const [body, status, message] of cases) {
      const res = await inject('POST', '/api/hazards', bearer(TOKENS.bot), body);
      expect([res.statusCode, res.json().message], JSON.stringify(body)).toEqual([status, message]);
    }
  });
});

describe('rectify, verify, reopen', () => {
  it('two people: rectified by one, verified by another; the same one is refused with 403', async () => {
    const noNote = await inject('POST', '/api/hazards/zjk-depot/H-1/rectify', wang.write, {});
    expect(noNote.statusCode).toBe(400);
    expect(noNote.json().message).toBe('body.note: expected note as a string');
    const rectified = await inject('POST', '/api/hazards/zjk-depot/H-1/rectify', wang.write, {
      note: 'head replaced, bump-tested',
    });
    expect(rectified.statusCode).toBe(200);
    expect((rectified.json() as HazardRecord).state).toBe('rectified');

    const same = await inject('POST', '/api/hazards/zjk-depot/H-1/verify', wang.write, { note: 'fine' });
    expect(same.statusCode).toBe(403);
    expect(same.json()).toEqual({
      error: 'two_person_rule',
      message: 'wang rectified this hazard, so another person must verify it (two-person rule)',
    });
    const other = await inject('POST', '/api/hazards/zjk-depot/H-1/verify', bearer(TOKENS.bot), {});
    expect(other.statusCode).toBe(200);
    expect(other.json()).toMatchObject({ state: 'verified', history: [{}, { by: 'wang' }, { by: 'scada-bot' }] });
    const again = await inject('POST', '/api/hazards/zjk-depot/H-1/reopen', bearer(TOKENS.bot), { note: 'x' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toBe('invalid_state');
  });

  it('404 for an unknown hazard, 400 for a malformed id', async () => {
    const missing = await inject('POST', '/api/hazards/zjk-depot/H-99/rectify', bearer(TOKENS.bot), { note: 'x' });
    expect([missing.statusCode, missing.json()]).toEqual([
      404,
      { error: 'not_found', message: 'no hazard zjk-depot/H-99' },
    ]);
    const bad = await inject('POST', '/api/hazards/zjk-depot/17/rectify', bearer(TOKENS.bot), { note: 'x' });
    expect([bad.statusCode, bad.json().message]).toEqual([400, 'path.id: expected a hazard number such as H-17']);
  });
});

describe('GET /api/hazards', () => {
  it('live hazards by default; ?state= and ?site= filter; viewers may read', async () => {
    await inject('POST', '/api/hazards', bearer(TOKENS.bot), { ...NEW, severity: 'minor', sensor: null });
    expect((await inject('GET', '/api/hazards')).statusCode).toBe(401);
    const live = await inject('GET', '/api/hazards', { cookie: viewer.cookie });
    expect((live.json() as HazardRecord[]).map((r) => `${r.id} ${r.state}`)).toEqual(['zjk-depot/H-2 open']);
    const closed = await inject('GET', '/api/hazards?state=verified&site=zjk-depot', bearer(TOKENS.dash));
    expect((closed.json() as HazardRecord[]).map((r) => r.id)).toEqual(['zjk-depot/H-1']);
    const both = await inject('GET', '/api/hazards?state=open,verified', bearer(TOKENS.dash));
    expect((both.json() as HazardRecord[]).map((r) => r.id)).toEqual(['zjk-depot/H-2', 'zjk-depot/H-1']);
    expect((await inject('GET', '/api/hazards?site=hx-station', bearer(TOKENS.dash))).json()).toEqual([]);
    const bad = await inject('GET', '/api/hazards?state=closed', bearer(TOKENS.dash));
    expect([bad.statusCode, bad.json().message]).toEqual([
      400,
      'query.state.0: state must be one of open, rectified, verified',
    ]);
  });
});

describe('GET /api/kpis', () => {
  it('the last 24 hours by default; from and to as epoch ms or ISO; one site', async () => {
    kpiCalls.length = 0;
    const now = rig.clock.now();
    expect((await inject('GET', '/api/kpis', bearer(TOKENS.dash))).json()).toEqual({ raised: 0 });
    await inject('GET', '/api/kpis?from=2026-11-01T00:00:00Z&to=1796083200000&site=zjk-depot', bearer(TOKENS.dash));
    expect(kpiCalls).toEqual([
      [now - 24 * 3_600_000, now, null],
      [Date.parse('2026-11-01T00:00:00Z'), 1796083200000, 'zjk-depot'],
    ]);
  });

  it('refuses a range that is backwards, too long or not a time; 503 when the history cannot be read', async () => {
    const q = async (s: string) => {
      const res = await inject('GET', `/api/kpis?${s}`, bearer(TOKENS.dash));
      return [res.statusCode, res.json().message];
    };
    expect(await q('from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z')).toEqual([
      400,
      'query.from must be before query.to',
    ]);
    expect(await q('from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z')).toEqual([
      400,
      'the range may be at most 366 days',
    ]);
    expect(await q('from=yesterday')).toEqual([400, 'query.from: from must be epoch ms or an ISO-8601 time']);
    failKpis = true;
    expect(await q('')).toEqual([503, 'the alarm history could not be read: InfluxDB: timeout']);
    failKpis = false;
  });
});
