/**
 * Bad input never stops the daemon and never affects other sensors (SPEC §1): real Mosquitto,
 * real InfluxDB, the real daemon.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { type ConfigDir, startApp } from '../helpers/daemon.js';
import type { Influxd } from '../helpers/influxd.js';
import type { Mosquitto } from '../helpers/mosquitto.js';
import { connectClient } from '../helpers/mqtt-client.js';
import { type Plant, startPlant } from '../helpers/plant.js';
import { waitFor } from '../helpers/wait.js';

let broker: Mosquitto;
let influx: Influxd;
let cfg: ConfigDir;
let plant: Plant;
let app: App;
let pub: MqttClient;

const DB = 'gaswatch_badinput';

beforeAll(async () => {
  plant = await startPlant({
    database: DB,
    config: {
      profiles: {
        gas: { unit: '%LEL', range: [0, 100], setpoints: { hi: { value: 20, priority: 'high' } } },
      },
      sites: {
        s1: {
          id: 's1',
          type: 'station',
          sensors: [
            { id: 'GD-1', kind: 'gas', gas: 'propane', unit: 'ppm', profile: 'gas', interval: '1h' },
            { id: 'GD-2', kind: 'gas', gas: 'propane', unit: 'ppm', profile: 'gas', interval: '1h' },
          ],
        },
      },
    },
  });
  ({ broker, influx, cfg } = plant);
  app = await startApp(cfg.file);
  pub = await connectClient(broker.url);
});

afterAll(async () => {
  await pub?.endAsync();
  await app?.stop();
  await plant?.stop();
});

async function metric(name: string): Promise<string[]> {
  const text = await app.metrics.registry.metrics();
  return text.split('\n').filter((l) => l.startsWith(name));
}

describe('bad payloads', () => {
  it('are rejected and counted by reason while other sensors carry on', async () => {
    const bad: [string, string | Buffer][] = [
      ['malformed_json', '{"value": 12'],
      ['non_numeric', '{"value": "twelve"}'],
      ['malformed_json', 'NaN'],
      ['non_finite', '{"value": 1e999}'],
      ['unknown_unit', '{"value": 3, "unit": "bananas"}'],
      ['unknown_unit', '{"value": 3, "unit": "MPa"}'],
      ['oversized', Buffer.alloc(300 * 1024, 0x31)],
      ['missing_value', '{"ts": 1764316800123}'],
      ['bad_timestamp', '{"value": 1, "ts": 99}'],
      ['empty', ''],
    ];
    for (const [, payload] of bad) await pub.publishAsync('gas/s1/GD-1', payload, { qos: 1 });
    // the good sensor, and the bad sensor's next good reading, are unaffected
    await pub.publishAsync('gas/s1/GD-2', JSON.stringify({ value: 4000, ts: Date.now() }), { qos: 1 });
    await pub.publishAsync('gas/s1/GD-1', '12.5', { qos: 1 });
    // an unknown sensor is stored with configured=false and raises nothing
    await pub.publishAsync('gas/s1/GD-99', JSON.stringify({ value: 99999, unit: 'ppm' }), { qos: 1 });

    await waitFor(async () => (await influx.count(DB, 'reading')) === 3, {
      timeout: 15_000,
      message: '3 readings stored',
    });
    const expected = new Map<string, number>();
    for (const [reason] of bad) expected.set(reason, (expected.get(reason) ?? 0) + 1);
    const lines = await metric('gaswatch_rejected_messages_total{');
    for (const [reason, n] of expected)
      expect(lines).toContain(`gaswatch_rejected_messages_total{reason="${reason}"} ${n}`);
    expect(lines).toHaveLength(expected.size);

    const rows = await influx.query(`SELECT value, sensor, configured, unit FROM reading ORDER BY time`, DB);
    const bySensor = Object.fromEntries(rows.map((r) => [r.sensor as string, r]));
    expect(bySensor['GD-2']).toMatchObject({ value: 4000, configured: 'true', unit: 'ppm' });
    expect(bySensor['GD-1']).toMatchObject({ value: 12.5, configured: 'true' });
    expect(bySensor['GD-99']).toMatchObject({ value: 99999, configured: 'false', unit: 'ppm' });
    // GD-2 at 4000 ppm propane = 23.5 %LEL ≥ 20: the daemon still evaluates after the garbage
    expect(app.engine.list().map((a) => a.id)).toEqual(['s1/GD-2/hi']);
    const sensors = app.sensors.list();
    expect(sensors.find((s) => s.sensor === 'GD-99')?.status).toBe('unconfigured');
    expect((await metric('gaswatch_unconfigured_readings_total '))[0]).toBe('gaswatch_unconfigured_readings_total 1');
    expect(app.readiness().ready).toBe(true);
  });
});
