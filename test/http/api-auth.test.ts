/** Who may do what: 401 without credentials, roles, CSRF, sessions on the clock, login rate limit. */
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, type Harness, login, makeHarness, PASSWORDS, sessionCookie, TOKENS } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
});

let n = 0;
function leak(): string {
  const sensor = `GD-A${++n}`;
  h.plant.gasSensor('zjk-depot', sensor, 'rig');
  h.plant.publish('zjk-depot', sensor, 33);
  return `zjk-depot/${sensor}/hi`;
}

const READS = [
  '/api/alarms',
  '/api/alarms/history',
  '/api/sensors',
  '/api/sites',
  '/api/sensors/zjk-depot/GD-12/trend',
  '/api/events',
];
const WRITES = ['ack', 'shelve', 'unshelve'];

describe('without a cookie or token', () => {
  it.each(READS)('GET %s → 401', async (url) => {
    const res = await h.server.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toBe('unauthorized');
  });

  it.each(WRITES)('POST …/%s → 401', async (action) => {
    const id = leak();
    const res = await h.server.app.inject({ method: 'POST', url: `/api/alarms/${id}/${action}`, payload: {} });
    expect(res.statusCode).toBe(401);
    expect(h.plant.alarms.records.get(id)?.state).toBe('active_unacked');
  });

  it('GET /api/session answers "nobody", with the reason', async () => {
    const res = await h.server.app.inject({ method: 'GET', url: '/api/session' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: null, role: null, reason: 'log in or send a bearer token' });
  });

  it('a wrong bearer token is 401, not anonymous access', async () => {
    const res = await h.server.app.inject({ method: 'GET', url: '/api/alarms', headers: bearer('guess') });
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toMatch(/bearer token is not valid/);
  });

  it('health, readiness and the console stay open; /metrics needs a viewer by default', async () => {
    for (const url of ['/healthz', '/readyz', '/', '/js/main.js'])
      expect((await h.server.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    expect((await h.server.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const res = await h.server.app.inject({ method: 'GET', url: '/metrics', headers: bearer(TOKENS.dash) });
    expect(res.statusCode).toBe(200);
  });
});

describe('login', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie and returns the CSRF token', async () => {
    const res = await h.server.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { name: 'wang', password: PASSWORDS.wang },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'wang', role: 'operator', via: 'session' });
    expect(res.json().csrfToken).toMatch(/^[\w-]{40,}$/);
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).toMatch(/Path=\//);
    const me = await h.server.app.inject({
      method: 'GET',
      url: '/api/session',
      headers: { cookie: sessionCookie(res) },
    });
    expect(me.json()).toMatchObject({ name: 'wang', role: 'operator', csrfToken: res.json().csrfToken });
  });

  it('answers a wrong password and an unknown name alike', async () => {
    const a = await h.server.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { name: 'wang', password: 'nope' },
      remoteAddress: '10.0.0.1',
    });
    const b = await h.server.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { name: 'nobody', password: 'nope' },
      remoteAddress: '10.0.0.1',
    });
    expect([a.statusCode, b.statusCode]).toEqual([401, 401]);
    expect(a.json()).toEqual(b.json());
    expect(a.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a malformed login body with 400', async () => {
    const res = await h.server.app.inject({ method: 'POST', url: '/api/login', payload: { name: 'wang' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/body\.password/);
  });

  it('rate-limits failed logins per address, then lets the address try again after a short wait', async () => {
    const ip = '10.9.9.9';
    const attempt = (password: string, remoteAddress = ip) =>
      h.server.app.inject({ method: 'POST', url: '/api/login', payload: { name: 'wang', password }, remoteAddress });
    for (let i = 0; i < 5; i++) expect((await attempt('guess')).statusCode).toBe(401);
    const limited = await attempt(PASSWORDS.wang);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt(PASSWORDS.wang, '10.9.9.10')).statusCode).toBe(200); // other addresses unaffected
    h.clock.advance(1000); // 1 s after the fifth failure, not the ten minutes of old
    expect((await attempt(PASSWORDS.wang)).statusCode).toBe(200);
    const text = await h.metrics.registry.getSingleMetricAsString('gaswatch_http_logins_total');
    expect(text).toMatch(/result="rate_limited"} 1/);
  });
});

describe('roles and CSRF', () => {
  it('a viewer may read but not acknowledge, shelve or unshelve (403)', async () => {
    const zhao = await login(h.server, 'zhao', PASSWORDS.zhao);
    expect((await h.server.app.inject({ method: 'GET', url: '/api/alarms', headers: zhao.write })).statusCode).toBe(
      200,
    );
    for (const action of WRITES) {
      const id = leak();
      const res = await h.server.app.inject({
        method: 'POST',
        url: `/api/alarms/${id}/${action}`,
        headers: zhao.write,
        payload: {},
      });
      expect(res.statusCode, action).toBe(403);
      expect(res.json()).toMatchObject({ error: 'forbidden', message: 'needs role operator; zhao is viewer' });
    }
    const tokenViewer = await h.server.app.inject({
      method: 'POST',
      url: `/api/alarms/${leak()}/ack`,
      headers: bearer(TOKENS.dash),
      payload: {},
    });
    expect(tokenViewer.statusCode).toBe(403);
  });

  it('an admin may acknowledge', async () => {
    const root = await login(h.server, 'root', PASSWORDS.root);
    const res = await h.server.app.inject({
      method: 'POST',
      url: `/api/alarms/${leak()}/ack`,
      headers: root.write,
      payload: {},
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().ackedBy).toBe('root');
  });

  it('refuses a session write without the CSRF header or with a wrong one', async () => {
    const wang = await login(h.server, 'wang', PASSWORDS.wang);
    const id = leak();
    for (const headers of [{ cookie: wang.cookie }, { cookie: wang.cookie, 'x-csrf-token': 'forged' }]) {
      const res = await h.server.app.inject({ method: 'POST', url: `/api/alarms/${id}/ack`, headers, payload: {} });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toBe('csrf');
    }
    expect(h.plant.alarms.records.get(id)?.state).toBe('active_unacked');
    const other = await login(h.server, 'wang', PASSWORDS.wang);
    const crossed = { cookie: wang.cookie, 'x-csrf-token': other.csrf }; // a token of another session
    expect(
      (await h.server.app.inject({ method: 'POST', url: `/api/alarms/${id}/ack`, headers: crossed, payload: {} }))
        .statusCode,
    ).toBe(403);
    expect(
      (await h.server.app.inject({ method: 'POST', url: `/api/alarms/${id}/ack`, headers: wang.write, payload: {} }))
        .statusCode,
    ).toBe(200);
  });
});

describe('sessions', () => {
  it('expire after the idle time on the server clock, and the answer says so', async () => {
    const wang = await login(h.server, 'wang', PASSWORDS.wang);
    h.clock.advance(11 * 3600_000);
    expect((await h.server.app.inject({ method: 'GET', url: '/api/alarms', headers: wang.write })).statusCode).toBe(
      200,
    );
    h.clock.advance(12 * 3600_000 + 1);
    const res = await h.server.app.inject({ method: 'GET', url: '/api/alarms', headers: wang.write });
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toMatch(/expired/);
  });

  it('end after 24 h however busy', async () => {
    const wang = await login(h.server, 'wang', PASSWORDS.wang);
    for (let i = 0; i < 2; i++) {
      h.clock.advance(11 * 3600_000);
      expect((await h.server.app.inject({ method: 'GET', url: '/api/alarms', headers: wang.write })).statusCode).toBe(
        200,
      );
    }
    h.clock.advance(2 * 3600_000 + 1);
    expect((await h.server.app.inject({ method: 'GET', url: '/api/alarms', headers: wang.write })).statusCode).toBe(
      401,
    );
  });

  it('end at logout, which needs the CSRF token', async () => {
    const wang = await login(h.server, 'wang', PASSWORDS.wang);
    expect(
      (await h.server.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: wang.cookie }, payload: {} }))
        .statusCode,
    ).toBe(403);
    const out = await h.server.app.inject({ method: 'POST', url: '/api/logout', headers: wang.write, payload: {} });
    expect(out.statusCode).toBe(204);
    expect((await h.server.app.inject({ method: 'GET', url: '/api/alarms', headers: wang.write })).statusCode).toBe(
      401,
    );
  });

  it('end when a config reload removes the operator', async () => {
    const root = await login(h.server, 'root', PASSWORDS.root);
    h.server.setOperators(h.operators.filter((o) => o.name !== 'root'));
    try {
      expect((await h.server.app.inject({ method: 'GET', url: '/api/alarms', headers: root.write })).statusCode).toBe(
        401,
      );
    } finally {
      h.server.setOperators(h.operators);
    }
  });
});

describe('demo mode: http.anonymousViewer', () => {
  it('lets anyone read, but acknowledging still needs a login', async () => {
    const demo = await makeHarness({ anonymousViewer: true });
    const read = await demo.server.app.inject({ method: 'GET', url: '/api/alarms' });
    expect(read.statusCode).toBe(200);
    const me = await demo.server.app.inject({ method: 'GET', url: '/api/session' });
    expect(me.json()).toMatchObject({ name: 'anonymous', role: 'viewer', via: 'anonymous', anonymousViewer: true });
    demo.plant.publish('zjk-depot', 'GD-12', 30);
    const ack = await demo.server.app.inject({
      method: 'POST',
      url: '/api/alarms/zjk-depot/GD-12/hi/ack',
      payload: {},
    });
    expect(ack.statusCode).toBe(401);
    expect(ack.json().message).toMatch(/log in/);
    const wang = await login(demo.server, 'wang', PASSWORDS.wang);
    const ok = await demo.server.app.inject({
      method: 'POST',
      url: '/api/alarms/zjk-depot/GD-12/hi/ack',
      headers: wang.write,
      payload: {},
    });
    expect(ok.statusCode).toBe(200);
  });
});
