/**
 * Issue 11 findings 5 and 8 at ingest, against real Mosquitto and InfluxDB: a topic whose site or
 * sensor id breaks SPEC §4's one id rule (markup, a leading dot, 129 characters) or claims the
 * reserved site `_gaswatch` is rejected as `bad_topic`, never stored nor shown; a flood of invented
 * undeclared sensors neither exhausts the unconfigured list nor hides a genuine one; and an unknown
 * unit from an undeclared sensor mints no InfluxDB series.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { type ConfigDir, startApp, writeConfigDir } from '../helpers/daemon.js';
import { type Influxd, startInfluxd } from '../helpers/influxd.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient } from '../helpers/mqtt-client.js';
import { waitFor } from '../helpers/wait.js';

const DB = 'gaswatch_hostile';
let broker: Mosquitto;
let influx: Influxd;
let cfg: ConfigDir;
let app: App;
let pub: MqttClient;

beforeAll(async () => {
  [broker, influx] = await Promise.all([startMosquitto(), startInfluxd()]);
  cfg = await writeConfigDir({
    mqttUrl: broker.url,
    influxUrl: influx.url,
    database: DB,
    profiles: { gas: { unit: '%LEL', range: [0, 100], setpoints: { hi: { value: 20, priority: 'high' } } } },
    sites: {
      s1: {
        id: 's1',
        type: 'station',
        sensors: [{ id: 'GD-12', kind: 'gas', gas: 'methane', unit: 'ppm', profile: 'gas', interval: '1h' }],
      },
    },
  });
  app = await startApp(cfg.file);
  pub = await connectClient(broker.url);
});

afterAll(async () => {
  await pub?.endAsync();
  await app?.stop();
  await Promise.all([broker?.stop(), influx?.stop(), cfg?.cleanup()]);
});

const rejected = async (reason: string) =>
  Number(
    new RegExp(`^gaswatch_rejected_messages_total\\{reason="${reason}"\\} (\\d+)`, 'm').exec(
      await app.metrics.registry.metrics(),
    )?.[1] ?? 0,
  );

describe('hostile topics and payloads', () => {
  it('a topic breaking the id rule or claiming _gaswatch is rejected as bad_topic, stored and shown nowhere', async () => {
    const bad = [
      'gas/<img src=x>/y',
      'gas/.hidden/GD-1',
      `gas/s1/${'x'.repeat(129)}`,
      'gas/_gaswatch/broker-dropped',
      'gas/s 1/GD-1',
    ];
    for (const topic of bad) await pub.publishAsync(topic, '99', { qos: 1 });
    await pub.publishAsync('gas/s1/GD-12', '100', { qos: 1 }); // a good one after them
    await waitFor(async () => (await influx.count(DB, 'reading')) === 1, { message: 'the good reading stored' });
    expect(await rejected('bad_topic')).toBe(bad.length);
    const rows = await influx.query('SELECT * FROM reading', DB);
    expect(rows.map((r) => `${r.site}/${r.sensor}`)).toEqual(['s1/GD-12']);
    const listed = app.sensors.list().map((s) => `${s.site}/${s.sensor}`);
    expect(listed).toEqual(['s1/GD-12']);
    expect(app.engine.list()).toEqual([]);
  });

  it('an unknown unit from an undeclared sensor is rejected, not a new series', async () => {
    const before = await rejected('unknown_unit');
    for (let i = 0; i < 20; i++)
      await pub.publishAsync('gas/s1/GD-99', JSON.stringify({ value: i, unit: `junk-${i}` }), { qos: 1 });
    await pub.publishAsync('gas/s1/GD-99', JSON.stringify({ value: 5, unit: 'PPM' }), { qos: 1 });
    await waitFor(async () => (await rejected('unknown_unit')) === before + 20, {
      message: '20 unknown units rejected',
    });
    await waitFor(async () => (await influx.query(`SELECT * FROM reading WHERE sensor = 'GD-99'`, DB)).length === 1, {
      message: 'the one reading in a known unit stored',
    });
    const units = await influx.query('SHOW TAG VALUES FROM reading WITH KEY = "unit"', DB);
    expect(units.map((r) => r.value).sort()).toEqual(['ppm']);
  });

  it('a flood of 10,500 invented sensors leaves a genuine undeclared one listed', { timeout: 120_000 }, async () => {
    const flood = async (from: number, n: number) => {
      const all: Promise<unknown>[] = [];
      for (let i = from; i < from + n; i++) all.push(pub.publishAsync(`gas/s1/flood-${i}`, '1', { qos: 1 }));
      await Promise.all(all);
    };
    await flood(0, 10_000);
    // the typo sensor GD-l2 (for GD-12), heard once the bound is reached
    await pub.publishAsync('gas/s1/GD-l2', '30', { qos: 1 });
    await flood(10_000, 500);
    await pub.publishAsync('gas/s1/GD-l2', '31', { qos: 1 });
    const typo = await waitFor(() => app.sensors.list().find((s) => s.sensor === 'GD-l2' && s.value === 31), {
      timeout: 60_000,
      message: 'the typo sensor listed with its latest value',
    });
    expect(typo.status).toBe('unconfigured');
    await waitFor(() => app.sensors.unconfiguredStats().evicted > 0, { timeout: 60_000, message: 'evictions' });
    const stats = app.sensors.unconfiguredStats();
    expect(stats.tracked).toBeLessThanOrEqual(10_000);
    const metrics = await app.metrics.registry.metrics();
    expect(metrics).toMatch(/^gaswatch_unconfigured_sensors \d+/m);
    expect(Number(/^gaswatch_unconfigured_evicted_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  });
});
