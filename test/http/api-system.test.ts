/** Health, metrics, sensors and sites, security headers, and the static handler's fence. */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SensorSnapshot } from '../../src/http/ports.js';
import { parseListen } from '../../src/http/server.js';
import { bearer, type Harness, makeHarness, TOKENS } from './harness.js';

let h: Harness;
let url: string;
beforeAll(async () => {
  h = await makeHarness();
  ({ url } = await h.server.start());
});
afterAll(() => h.server.stop());

const get = (path: string, headers: Record<string, string> = bearer(TOKENS.dash)) =>
  h.server.app.inject({ method: 'GET', url: path, headers });

describe('health and metrics', () => {
  it('/healthz is 200 while the process serves', async () => {
    expect((await get('/healthz', {})).json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 503 with the reasons until ready, then 200', async () => {
    h.plant.health.reasons = ['mqtt not connected', 'config not loaded'];
    const down = await get('/readyz', {});
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ ready: false, reasons: ['mqtt not connected', 'config not loaded'] });
    h.plant.health.reasons = [];
    expect((await get('/readyz', {})).statusCode).toBe(200);
  });

  it('/metrics serves the registry in Prometheus text format', async () => {
    h.metrics.readings.inc(7);
    h.metrics.rejected.inc({ reason: 'malformed_json' });
    h.metrics.live.mqttConnected = () => true;
    const res = await get('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/^gaswatch_readings_total 7$/m);
    expect(res.body).toMatch(/^gaswatch_rejected_messages_total\{reason="malformed_json"\} 1$/m);
    expect(res.body).toMatch(/^gaswatch_mqtt_connected 1$/m);
    expect(res.body).toMatch(/^gaswatch_sse_clients 0$/m);
  });
});

describe('sensors and sites', () => {
  it('lists every sensor with value, unit, time and status; filters by site and status', async () => {
    h.clock.advance(1000);
    h.plant.publish('zjk-depot', 'GD-12', 3.5);
    h.plant.publish('zjk-depot', 'GD-13', 0, 'fault');
    h.plant.publish('yq-station', 'GD-77', 1.25); // declared by no config
    const all = (await get('/api/sensors')).json() as SensorSnapshot[];
    const gd12 = all.find((s) => s.sensor === 'GD-12');
    expect(gd12).toMatchObject({
      site: 'zjk-depot',
      kind: 'gas',
      unit: '%LEL',
      value: 3.5,
      status: 'ok',
      configured: true,
    });
    expect(gd12?.ts).toBe(new Date(h.clock.now()).toISOString());
    expect(all.find((s) => s.sensor === 'GD-77')).toMatchObject({ status: 'unconfigured', configured: false });
    expect(all.find((s) => s.sensor === 'PT-101')).toMatchObject({ status: 'stale', value: null, ts: null });
    const depot = (await get('/api/sensors?site=zjk-depot')).json() as SensorSnapshot[];
    expect(new Set(depot.map((s) => s.site))).toEqual(new Set(['zjk-depot']));
    expect(((await get('/api/sensors?status=fault')).json() as SensorSnapshot[]).map((s) => s.sensor)).toEqual([
      'GD-13',
    ]);
    expect((await get('/api/sensors?status=burning')).statusCode).toBe(400);
  });

  it('summarises sites by sensor status', async () => {
    const sites = (await get('/api/sites')).json() as {
      site: string;
      sensors: number;
      status: Record<string, number>;
    }[];
    const depot = sites.find((s) => s.site === 'zjk-depot');
    expect(depot?.sensors).toBe(4);
    expect(depot?.status).toMatchObject({ ok: 1, fault: 1, stale: 2 });
    expect(sites.map((s) => s.site)).toEqual([...sites.map((s) => s.site)].sort());
  });

  it('serves the last hour of a sensor as columns, 404 for an unknown one', async () => {
    for (const v of [4, 5, 6]) {
      h.clock.advance(10_000);
      h.plant.publish('bj-station-3', 'GD-01', v);
    }
    const res = await get('/api/sensors/bj-station-3/GD-01/trend');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ site: 'bj-station-3', sensor: 'GD-01', unit: '%LEL', values: [4, 5, 6] });
    expect(res.json().ts).toHaveLength(3);
    expect((await get('/api/sensors/bj-station-3/GD-404/trend')).statusCode).toBe(404);
  });
});

describe('security headers', () => {
  it('are on the console and the API', async () => {
    for (const path of ['/', '/api/alarms', '/nowhere']) {
      const res = await get(path);
      expect(res.headers['content-security-policy'], path).toMatch(
        /default-src 'self'.*script-src 'self'.*frame-ancestors 'none'/,
      );
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
    expect((await get('/api/alarms')).headers['cache-control']).toBe('no-store');
  });

  it('unknown paths are a JSON 404', async () => {
    const res = await get('/api/nothing');
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe('not_found');
  });
});

/** Raw HTTP: fetch() and inject() would normalise the very paths under test. */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static console files', () => {
  it('serves the console, its vendored libraries and the message catalogues', async () => {
    const index = await rawGet('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title data-i18n="console.title">gaswatch');
    expect((await rawGet('/vendor/uPlot.iife.min.js')).body).toContain('uPlot');
    expect((await rawGet('/vendor/i18next.js')).body).toContain('export {');
    for (const lng of ['en', 'zh-CN']) {
      const res = await rawGet(`/locales/${lng}.json`);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toHaveProperty('console.summary.title');
    }
    for (const outside of ['/locales/../index.ts', '/locales/..%2findex.ts', '/locales/%2e%2e/index.ts']) {
      const res = await rawGet(outside);
      expect([403, 404]).toContain(res.status);
      expect(res.body).not.toContain('createInstance');
    }
  });

  it.each([
    '/../package.json',
    '/..%2fpackage.json',
    '/%2e%2e/%2e%2e/%2e%2e/package.json',
    '/vendor/..%2f..%2f..%2f..%2fpackage.json',
    '/js/%2e%2e%5c%2e%2e%5cserver.ts',
    '/..%2f..%2fserver.ts',
    '/%2e%2e%2fserver.ts',
    '/....//....//package.json',
  ])('cannot leave its folder: %s', async (path) => {
    const res = await rawGet(path);
    expect([400, 403, 404]).toContain(res.status);
    expect(res.body).not.toContain('"devDependencies"');
    expect(res.body).not.toContain('createHttpServer');
  });
});

describe('listen address', () => {
  it('parses host:port forms and refuses others', () => {
    expect(parseListen('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListen('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(parseListen(':8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(() => parseListen('8080')).toThrow(/host:port/);
    expect(() => parseListen('localhost:99999')).toThrow(/host:port/);
  });
});
