/**
 * Operators tune thresholds while the daemon runs (SPEC §6): an edited profile file applies to the
 * next reading without a restart; an invalid edit is rejected and the old setpoint stays in force.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { type ConfigDir, startApp, writeConfigDir } from '../helpers/daemon.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient } from '../helpers/mqtt-client.js';
import { waitFor } from '../helpers/wait.js';

let broker: Mosquitto;
let cfg: ConfigDir;
let app: App;
let pub: MqttClient;

const profile = (hi: unknown) => ({
  'combustible-gas': { unit: '%LEL', deadband: 1, range: [0, 100], setpoints: { hi } },
});

beforeAll(async () => {
  broker = await startMosquitto();
  cfg = await writeConfigDir({
    mqttUrl: broker.url,
    profiles: profile({ value: 20, priority: 'high' }),
    sites: {
      s1: {
        id: 's1',
        type: 'station',
        sensors: [
          { id: 'GD-1', kind: 'gas', gas: 'propane', unit: '%LEL', profile: 'combustible-gas', interval: '1h' },
        ],
      },
    },
  });
  app = await startApp(cfg.file);
  pub = await connectClient(broker.url);
});

afterAll(async () => {
  await pub?.endAsync();
  await app?.stop();
  await Promise.all([broker?.stop(), cfg?.cleanup()]);
});

const reloads = async (result: string) => {
  const line = (await app.metrics.registry.metrics())
    .split('\n')
    .find((l) => l.startsWith(`gaswatch_config_reload_total{result="${result}"}`));
  return line ? Number(line.split(' ')[1]) : 0;
};
const hiState = () => app.engine.list().find((a) => a.id === 's1/GD-1/hi')?.state;
const send = (value: number) => pub.publishAsync('gas/s1/GD-1', JSON.stringify({ value }), { qos: 1 });

describe('live threshold tuning', () => {
  it('applies a changed setpoint to the next reading; an invalid edit leaves it in force', async () => {
    await send(18);
    await waitFor(() => app.sensors.list().find((s) => s.sensor === 'GD-1')?.value === 18, {
      message: 'reading seen',
    });
    expect(hiState()).toBeUndefined();

    await cfg.writeProfiles(profile({ value: 15, priority: 'high' }));
    await waitFor(async () => (await reloads('applied')) === 1, { timeout: 10_000, message: 'reload applied' });
    await send(18);
    await waitFor(() => hiState() === 'active_unacked', { message: 'hi raised at the new setpoint' });
    expect(app.engine.list()[0]).toMatchObject({ threshold: 15, value: 18 });

    await send(5);
    await waitFor(() => hiState() === 'cleared_unacked', { message: 'hi cleared' });
    app.engine.ack('s1/GD-1/hi', 'wang', null);

    await cfg.writeProfiles(profile({ value: 'fifteen', priority: 'high' }));
    await waitFor(async () => (await reloads('rejected')) === 1, { timeout: 10_000, message: 'reload rejected' });
    await send(16);
    await waitFor(() => hiState() === 'active_unacked', { message: 'the old setpoint 15 still in force' });
    expect(await reloads('applied')).toBe(1);

    // SIGHUP path: an explicit reload of a fixed file applies.
    await cfg.writeProfiles(profile({ value: 17, priority: 'high' }));
    await app.reload();
    await waitFor(async () => (await reloads('applied')) === 2, { timeout: 10_000, message: 'reload applied again' });
  });
});
