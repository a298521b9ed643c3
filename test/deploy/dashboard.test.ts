/**
 * The kit's Grafana dashboard (deploy/grafana/dashboards/gaswatch.json) against what gaswatch
 * really stores: the simulators play the demo story through a real Mosquitto into the real daemon
 * (the shipped site and profile files), which writes to a real InfluxDB set up the way the kit's
 * influxdb container is — authentication on, gaswatch a write-only user, Grafana a read-only one,
 * the kit's retention policy as the default. Then every InfluxQL query of the dashboard (template
 * variables, panels, annotations), expanded as Grafana would (grafana.ts), runs as the read-only
 * user for each site and must return rows; and every metric and label the Prometheus panels use
 * must be in the daemon's own /metrics.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { runScenario } from 'gaswatch-simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { App } from '../../src/app.js';
import { type ConfigDir, startApp, writeConfigDir } from '../helpers/daemon.js';
import { type Influxd, type Row, startInfluxd } from '../helpers/influxd.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient } from '../helpers/mqtt-client.js';
import { waitFor } from '../helpers/wait.js';
import {
  annotationTargets,
  type DashboardJson,
  type Expansion,
  expandInfluxQL,
  exposition,
  panelTargets,
  promLabels,
  promMetrics,
} from './grafana.js';
import { KIT } from './kit-broker.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** A viewer's token, as deploy/make-secrets.sh makes one (64 hex characters). */
const PROMETHEUS_TOKEN = randomBytes(32).toString('hex');
const DB = 'gaswatch';
const ADMIN = { username: 'admin', password: 'admin-password-for-tests' };
const WRITER = { username: 'gaswatch', password: 'writer-password-for-tests' };
const READER = { username: 'grafana', password: 'reader-password-for-tests' };

let broker: Mosquitto;
let influx: Influxd;
let cfg: ConfigDir;
let app: App;
let dashboard: DashboardJson;
let sites: string[] = [];

/** A query as Grafana's datasource sends it: POST, the read-only user, epoch ms. */
async function asGrafana(q: string): Promise<Row[]> {
  const body = new URLSearchParams({ q, db: DB, epoch: 'ms' });
  // InfluxDB 1.6 takes credentials from the query string only (1.8 also from Basic auth).
  const auth = new URLSearchParams({ u: READER.username, p: READER.password });
  const res = await fetch(`${influx.url}/query?${auth}`, { method: 'POST', body });
  const json = (await res.json()) as {
    error?: string;
    results?: Array<{ error?: string; series?: Array<{ tags?: Row; columns: string[]; values: unknown[][] }> }>;
  };
  const error = json.error ?? json.results?.find((r) => r.error)?.error;
  if (!res.ok || error) throw new Error(`${res.status} ${error ?? ''}: ${q}`);
  const rows: Row[] = [];
  for (const s of json.results?.[0]?.series ?? [])
    for (const v of s.values) rows.push({ ...s.tags, ...Object.fromEntries(s.columns.map((c, i) => [c, v[i]])) });
  return rows;
}

async function yamlDir(dir: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const f of (await readdir(dir)).filter((f) => f.endsWith('.yaml'))) {
    const doc = parse(await readFile(path.join(dir, f), 'utf8')) as { id: string };
    out[doc.id] = doc;
  }
  return out;
}

beforeAll(async () => {
  dashboard = JSON.parse(await readFile(path.join(KIT, 'grafana/dashboards/gaswatch.json'), 'utf8'));
  [broker, influx] = await Promise.all([startMosquitto(), startInfluxd({ admin: ADMIN })]);
  // What the influxdb image's init-influxdb.sh does with the kit's environment, then the kit's .iql.
  for (const q of [
    `CREATE DATABASE "${DB}"`,
    `CREATE USER "${WRITER.username}" WITH PASSWORD '${WRITER.password}'`,
    `REVOKE ALL PRIVILEGES FROM "${WRITER.username}"`,
    `GRANT WRITE ON "${DB}" TO "${WRITER.username}"`,
    `CREATE USER "${READER.username}" WITH PASSWORD '${READER.password}'`,
    `REVOKE ALL PRIVILEGES FROM "${READER.username}"`,
    `GRANT READ ON "${DB}" TO "${READER.username}"`,
  ])
    await influx.query(q);
  const initDir = path.join(KIT, 'influxdb/init');
  for (const f of (await readdir(initDir)).filter((f) => f.endsWith('.iql')).sort())
    await influx.query((await readFile(path.join(initDir, f), 'utf8')).trim());

  cfg = await writeConfigDir({
    mqttUrl: broker.url,
    influxUrl: influx.url,
    database: DB,
    profiles: parse(await readFile(path.join(ROOT, 'config/profiles.yaml'), 'utf8')),
    sites: await yamlDir(path.join(ROOT, 'config/sites')),
    main: {
      influx: WRITER,
      // As the kit's Prometheus scrapes /metrics: with a viewer's token.
      operators: [{ name: 'prometheus', role: 'viewer', token: PROMETHEUS_TOKEN }],
      // Sensors silent after the run go stale within seconds: the "Stale sensors" panel needs some.
      alarms: { startupGrace: '2s' },
    },
  });
  app = await startApp(cfg.file);
});

afterAll(async () => {
  await app?.stop();
  await Promise.all([broker?.stop(), influx?.stop(), cfg?.cleanup()]);
});

describe('the kit dashboard against what gaswatch stores', () => {
  it('the demo story reaches InfluxDB through the write-only user, with alarms and stale sensors', {
    timeout: 120_000,
  }, async () => {
    const run = await runScenario({
      broker: broker.url,
      scenario: 'demo-story',
      seed: 11,
      speed: 'max',
      qos: 1,
      record: false,
      startTime: Date.now() - 11 * 60_000,
    });
    expect(run.failed).toBe(0);
    await waitFor(async () => (await influx.count(DB, 'reading')) >= run.readings, {
      timeout: 60_000,
      message: `${run.readings} readings stored`,
    });
    // The retention policy of the kit is the default one the points went to.
    const rps = await influx.query(`SHOW RETENTION POLICIES ON "${DB}"`);
    expect(rps.find((r) => r['default'] === true)?.['name']).toBe('raw_400d');
    await waitFor(
      async () => (await asGrafana(`SELECT count("state") FROM "alarm_event" WHERE "condition" = 'stale'`)).length > 0,
      {
        timeout: 30_000,
        message: 'stale alarms after the run',
      },
    );
    // A malformed message, so the rejection counter has a sample with its reason label.
    const c = await connectClient(broker.url);
    await c.publishAsync('gas/zjk-depot/GD-12', '{"value": not json', { qos: 1 });
    await c.endAsync();
    await waitFor(async () => (await app.metrics.rejected.get()).values.length > 0, { message: 'rejection counted' });
    sites = (await asGrafana(dashboard.templating.list[0]?.query ?? '')).map((r) => String(r['value']));
    expect(sites.sort()).toEqual(['hx-station', 'zjk-depot']);
  });

  it('every InfluxQL query returns rows for every site, with the time range relative or absolute', async () => {
    expect(sites.length).toBeGreaterThan(0);
    const targets = [...panelTargets(dashboard), ...annotationTargets(dashboard)].filter(
      (t) => t.datasource === 'influxdb',
    );
    expect(targets.length).toBeGreaterThanOrEqual(10);
    const sensorVar = dashboard.templating.list.find((v) => v.name === 'sensor');
    expect(sensorVar?.multi && sensorVar.includeAll).toBe(true);
    const now = Date.now();
    const report: string[] = [];
    for (const site of sites) {
      // The sensor variable's own query, then "All" selected, as the dashboard opens.
      const sensors = (
        await asGrafana(
          expandInfluxQL(sensorVar?.query ?? '', { vars: { site: [site] }, range: { relative: '1h' }, interval: '5s' }),
        )
      ).map((r) => String(r['value']));
      expect(sensors.length, `sensors of ${site}`).toBeGreaterThan(0);
      const ranges: Expansion['range'][] = [{ relative: '1h' }, { from: now - 3_600_000, to: now + 60_000 }];
      for (const range of ranges) {
        for (const t of targets) {
          const q = expandInfluxQL(t.query, { vars: { site: [site], sensor: sensors }, range, interval: '5s' });
          const rows = await asGrafana(q);
          expect(rows.length, `${t.panel} for ${site} returned no rows:\n${q}`).toBeGreaterThan(0);
          if ('relative' in range) report.push(`${site} ${t.panel}: ${rows.length} rows`);
        }
      }
    }
    console.log(
      `dashboard: ${targets.length} InfluxQL queries × ${sites.length} sites × 2 time ranges\n  ${report.join('\n  ')}`,
    );
  });

  it('every Prometheus panel reads metrics and labels the daemon exposes on /metrics', async () => {
    const res = await fetch(`${app.httpUrl}/metrics`, { headers: { authorization: `Bearer ${PROMETHEUS_TOKEN}` } });
    expect(res.status).toBe(200);
    const exposed = exposition(await res.text());
    const prom = panelTargets(dashboard).filter((t) => t.datasource === 'prometheus');
    expect(prom.length).toBeGreaterThanOrEqual(5);
    for (const t of prom) {
      const metrics = promMetrics(t.query);
      expect(metrics.length, `${t.panel}: no gaswatch metric in ${t.query}`).toBeGreaterThan(0);
      const labels = new Set<string>();
      for (const m of metrics) {
        expect(exposed.has(m), `${t.panel}: ${m} is not on /metrics`).toBe(true);
        for (const l of exposed.get(m) ?? []) labels.add(l);
      }
      // `instance` and `job` are added by Prometheus from its scrape target.
      for (const l of promLabels(t.query).filter((l) => l !== 'instance' && l !== 'job'))
        expect(labels.has(l), `${t.panel}: label ${l} not on ${metrics.join(', ')}`).toBe(true);
    }
  });
});
