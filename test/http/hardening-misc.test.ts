/**
 * The smaller findings of issue 11 against the real server: DNS rebinding (Host check with
 * anonymousViewer), which endpoints are open, sessions ending when a password or token changes,
 * and lookups by a site the daemon itself listed never answering 400 (findings 5 and 10).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/http/auth.js';
import type { SensorSnapshot } from '../../src/http/ports.js';
import { bearer, type Harness, login, makeHarness, PASSWORDS, TOKENS } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.server.stop();
  h = undefined;
});

async function serve(opts: Parameters<typeof makeHarness>[0] = {}) {
  h = await makeHarness(opts);
  const { url } = await h.server.start();
  return { h, url, port: Number(new URL(url).port) };
}

/** fetch cannot set Host; a raw request can, as a rebinding browser would send it. */
async function withHost(url: string, path: string, host: string): Promise<number> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('DNS rebinding (anonymousViewer on)', () => {
  it('answers IP addresses, localhost and the allowed names, and refuses any other Host with 421', async () => {
    const { url, port } = await serve({ anonymousViewer: true, extra: { allowedHosts: ['gaswatch.plant.example'] } });
    expect(await withHost(url, '/api/alarms', `evil.example:${port}`)).toBe(421);
    expect(await withHost(url, '/', 'evil.example')).toBe(421);
    expect(await withHost(url, '/api/alarms', `127.0.0.1:${port}`)).toBe(200);
    expect(await withHost(url, '/api/alarms', `localhost:${port}`)).toBe(200);
    expect(await withHost(url, '/api/alarms', 'gaswatch.plant.example')).toBe(200);
  });

  it('leaves Host alone when nothing is readable without credentials (no anonymousViewer, no list)', async () => {
    const { url } = await serve();
    expect(await withHost(url, '/healthz', 'gaswatch.example')).toBe(200);
  });
});

describe('open endpoints', () => {
  it('by default: /healthz and /readyz for probes; /metrics with a viewer token', async () => {
    const { url } = await serve();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const m = await fetch(`${url}/metrics`, { headers: bearer(TOKENS.dash) });
    expect(m.status).toBe(200);
    expect(await m.text()).toMatch(/^gaswatch_http_connections \d+$/m);
  });

  it('as configured: open: [metrics] opens metrics and closes the probes', async () => {
    const { url } = await serve({ extra: { open: ['metrics'] } });
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(401);
    expect((await fetch(`${url}/healthz`)).status).toBe(401);
  });
});

describe('a changed password or token', () => {
  it('ends that operator’s sessions on reload, and no one else’s', async () => {
    const { h, url } = await serve();
    const wang = await login(h.server, 'wang', PASSWORDS.wang);
    const zhao = await login(h.server, 'zhao', PASSWORDS.zhao);
    const get = (cookie: string) => fetch(`${url}/api/alarms`, { headers: { cookie } });
    expect((await get(wang.cookie)).status).toBe(200);
    const next = h.operators.map((o) => ({ ...o }));
    const op = next.find((o) => o.name === 'wang');
    if (op) op.passwordHash = await hashPassword('a-new-password', { N: 1024, r: 8, p: 1 });
    h.server.setOperators(next);
    expect((await get(wang.cookie)).status).toBe(401);
    expect((await get(zhao.cookie)).status).toBe(200);
    expect((await login(h.server, 'wang', 'a-new-password').catch(() => undefined))?.cookie).toBeDefined();
  });

  it('a changed token: the old one is refused at once, the new one accepted', async () => {
    const { h, url } = await serve();
    const next = h.operators.map((o) => (o.name === 'wallboard' ? { ...o, token: `${TOKENS.dash}-rotated` } : o));
    h.server.setOperators(next);
    expect((await fetch(`${url}/api/alarms`, { headers: bearer(TOKENS.dash) })).status).toBe(401);
    expect((await fetch(`${url}/api/alarms`, { headers: bearer(`${TOKENS.dash}-rotated`) })).status).toBe(200);
  });
});

describe('a site the daemon listed', () => {
  it('can always be asked for: /api/sensors, /api/events and trends never answer 400 for it', async () => {
    const { h, url } = await serve({ extra: { events: { heartbeatMs: 60_000 } } });
    // Ids that break the id rule, as a broker could deliver them before ingest refused them.
    for (const site of ['<img src=x>', 'a b', '.hidden', 'x'.repeat(200)]) h.plant.publish(site, 'y', 1);
    const sites = (await (await fetch(`${url}/api/sites`, { headers: bearer(TOKENS.dash) })).json()) as {
      site: string;
    }[];
    expect(sites.map((s) => s.site)).toContain('<img src=x>');
    for (const { site } of sites) {
      const q = encodeURIComponent(site);
      const sensors = await fetch(`${url}/api/sensors?site=${q}`, { headers: bearer(TOKENS.dash) });
      expect(sensors.status, site).toBe(200);
      expect(((await sensors.json()) as SensorSnapshot[]).every((s) => s.site === site)).toBe(true);
      const ctl = new AbortController();
      const events = await fetch(`${url}/api/events?site=${q}`, { headers: bearer(TOKENS.dash), signal: ctl.signal });
      expect(events.status, site).toBe(200);
      ctl.abort();
      const sensor = (await fetch(`${url}/api/sensors?site=${q}`, { headers: bearer(TOKENS.dash) })
        .then((r) => r.json() as Promise<SensorSnapshot[]>)
        .then((l) => l[0]?.sensor)) as string;
      const trend = await fetch(`${url}/api/sensors/${q}/${encodeURIComponent(sensor)}/trend`, {
        headers: bearer(TOKENS.dash),
      });
      expect(trend.status, site).toBe(200);
    }
  });

  it('commands still address only ids of the id rule, and system alarms are among them', async () => {
    const { h, url } = await serve();
    h.plant.alarms.raise({ site: '_gaswatch', sensor: 'notify-scada', condition: 'system' as never, priority: 'high' });
    const ack = await fetch(`${url}/api/alarms/_gaswatch/notify-scada/system/ack`, {
      method: 'POST',
      headers: { ...bearer(TOKENS.bot), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(ack.status).toBe(200);
    expect(((await ack.json()) as { state: string }).state).toBe('active_acked');
    const bad = await fetch(`${url}/api/alarms/${encodeURIComponent('<img src=x>')}/y/hi/ack`, {
      method: 'POST',
      headers: { ...bearer(TOKENS.bot), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(bad.status).toBe(400);
    // The longest id the rule allows is addressable too (the router's default limit is 100).
    const long = 'G'.repeat(128);
    h.plant.gasSensor('zjk-depot', long, 'rig');
    h.plant.publish('zjk-depot', long, 30);
    const ackLong = await fetch(`${url}/api/alarms/zjk-depot/${long}/hi/ack`, {
      method: 'POST',
      headers: { ...bearer(TOKENS.bot), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(ackLong.status).toBe(200);
  });
});
