/**
 * The foundation, end to end: the `slow-leak` scenario through a real Mosquitto into the daemon,
 * alarms out on MQTT with the SPEC §3 record, and every published reading counted in a real InfluxDB.
 */
import { runScenario } from 'gaswatch-simulators';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { AlarmEvent } from '../../src/domain/types.js';
import { type ConfigDir, startApp } from '../helpers/daemon.js';
import type { Influxd } from '../helpers/influxd.js';
import type { Mosquitto } from '../helpers/mosquitto.js';
import { connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
import { type Plant, startPlant } from '../helpers/plant.js';
import { waitFor } from '../helpers/wait.js';

let broker: Mosquitto;
let influx: Influxd;
let cfg: ConfigDir;
let plant: Plant;
let app: App;
let client: MqttClient;
const seen: ReceivedMessage[] = [];
const DB = 'gaswatch_slowleak';

beforeAll(async () => {
  plant = await startPlant({
    database: DB,
    config: {
      profiles: {
        // As shipped but without the latch on HiHi, so the test also sees it clear by itself.
        'combustible-gas': {
          unit: '%LEL',
          deadband: 2,
          range: [0, 100],
          setpoints: { hi: { value: 20, priority: 'high' }, hihi: { value: 40, priority: 'critical' } },
        },
      },
      sites: {
        'hx-station': {
          id: 'hx-station',
          type: 'station',
          sensors: [
            {
              id: 'GD-21',
              kind: 'gas',
              gas: 'propane',
              asset: 'dispenser-1',
              unit: 'ppm',
              profile: 'combustible-gas',
              interval: '1h',
            },
          ],
        },
      },
    },
  });
  ({ broker, influx, cfg } = plant);
  app = await startApp(cfg.file);
  client = await connectClient(broker.url, {}, recordAll(seen));
  await client.subscribeAsync(['gaswatch/events', 'gaswatch/alarms/#'], { qos: 1 });
});

afterAll(async () => {
  await client?.endAsync();
  await app?.stop();
  await plant?.stop();
});

describe('slow leak at a filling station', () => {
  it('raises hi then hihi with the SPEC record, clears both, and stores every reading', async () => {
    const t0 = performance.now();
    const run = await runScenario({
      broker: broker.url,
      scenario: 'slow-leak',
      seed: 7,
      speed: 'max',
      qos: 1,
      startTime: Date.now() - 20 * 60_000,
    });
    expect(run.failed).toBe(0);
    expect(run.unacknowledged).toBe(0);
    await waitFor(async () => (await influx.count(DB, 'reading')) >= run.readings, {
      timeout: 30_000,
      message: `${run.readings} readings in InfluxDB`,
    });
    const elapsed = performance.now() - t0;
    expect(await influx.count(DB, 'reading')).toBe(run.readings);

    const events = seen
      .filter((m) => m.topic === 'gaswatch/events')
      .map((m) => JSON.parse(m.payload) as AlarmEvent)
      .filter((e) => e.alarm.sensor === 'GD-21');
    expect(events.map((e) => `${e.alarm.condition}:${e.type}`)).toEqual([
      'hi:raised',
      'hihi:raised',
      'hihi:cleared',
      'hi:cleared',
    ]);
    const hihi = events[1]?.alarm;
    expect(hihi).toMatchObject({
      id: 'hx-station/GD-21/hihi',
      site: 'hx-station',
      sensor: 'GD-21',
      condition: 'hihi',
      priority: 'critical',
      state: 'active_unacked',
      shelved: false,
      suppressed: false,
      threshold: 40,
      unit: '%LEL',
      clearedAt: null,
      ackedAt: null,
      ackedBy: null,
      comment: null,
    });
    expect(hihi?.value).toBeGreaterThanOrEqual(40);
    expect(hihi?.value).toBeLessThan(45);
    expect(hihi?.message).toMatch(/^GD-21 propane 4\d(\.\d+)? %LEL ≥ HiHi 40 %LEL$/);
    expect(events[0]?.alarm).toMatchObject({ priority: 'high', threshold: 20, unit: '%LEL' });
    // The retained record follows every change; cleared but unacknowledged it stays, until an ack
    // returns it to normal and empties it.
    const retained = () => seen.filter((m) => m.topic === 'gaswatch/alarms/hx-station/GD-21/hihi');
    expect(retained().map((m) => JSON.parse(m.payload).state)).toEqual(['active_unacked', 'cleared_unacked']);
    expect(app.engine.ack('hx-station/GD-21/hihi', 'li', 'leak fixed').ok).toBe(true);
    await waitFor(() => retained().at(-1)?.payload === '', { timeout: 5000, message: 'retained record emptied' });
    console.log(
      `slow-leak e2e: ${run.published} messages, ${run.readings} readings published and stored in ${elapsed.toFixed(0)} ms ` +
        `(${Math.round((run.readings / elapsed) * 1000)} readings/s)`,
    );
  });
});
