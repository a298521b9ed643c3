/**
 * With the broker down the daemon still starts: the console and /readyz answer at once (503 with the
 * reason), and the daemon becomes ready by itself when the broker comes up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { type ConfigDir, testLogger, writeConfigDir } from '../helpers/daemon.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { waitFor } from '../helpers/wait.js';

let broker: Mosquitto;
let cfg: ConfigDir;
let app: App | undefined;

beforeAll(async () => {
  broker = await startMosquitto();
  await broker.stopForOutage();
  cfg = await writeConfigDir({
    mqttUrl: broker.url,
    profiles: { gas: { unit: '%LEL', setpoints: { hi: { value: 20, priority: 'high' } } } },
    main: { http: { open: ['healthz', 'readyz', 'metrics'] } },
    sites: {
      s: {
        id: 's',
        type: 'station',
        sensors: [{ id: 'G', kind: 'gas', gas: 'methane', unit: '%LEL', profile: 'gas' }],
      },
    },
  });
});

afterAll(async () => {
  await app?.stop();
  await Promise.all([broker?.stop(), cfg?.cleanup()]);
});

describe('readiness', () => {
  it('is 503 with the reason while the broker is down, and 200 once it is up', async () => {
    app = new App({ configFile: cfg.file, logger: testLogger() });
    const starting = app.start();
    const url = await waitFor(() => app?.httpUrl, { timeout: 10_000, message: 'HTTP up before MQTT' });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const down = await fetch(`${url}/readyz`);
    expect(down.status).toBe(503);
    expect(JSON.stringify(await down.json())).toContain('MQTT not connected');

    await broker.restart();
    await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, { timeout: 20_000, message: 'ready' });
    await starting.catch(() => undefined);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^gaswatch_mqtt_connected 1$/m);
  });
});
