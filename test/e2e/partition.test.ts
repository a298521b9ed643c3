/**
 * Growth beyond one instance (SPEC §10): several daemons behind one broker, each owning a partition
 * of sites (`mqtt.subscribe: sites`), each with its own retained status. A site added to a
 * partition's config is subscribed live.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { type ConfigDir, startApp, writeConfigDir } from '../helpers/daemon.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
import { waitFor } from '../helpers/wait.js';

let broker: Mosquitto;
const cfgs: ConfigDir[] = [];
const apps: App[] = [];
let client: MqttClient;
const seen: ReceivedMessage[] = [];

const PROFILES = { gas: { unit: '%LEL', setpoints: { hi: { value: 20, priority: 'high' } } } };
const site = (id: string) => ({
  id,
  type: 'station',
  sensors: [{ id: 'G', kind: 'gas', gas: 'methane', unit: '%LEL', profile: 'gas', interval: '1h' }],
});

beforeAll(async () => {
  broker = await startMosquitto();
  client = await connectClient(broker.url, {}, recordAll(seen));
  await client.subscribeAsync('gaswatch/status/#', { qos: 1 });
  for (const [name, id] of [
    ['a', 'site-a'],
    ['b', 'site-b'],
  ] as const) {
    const cfg = await writeConfigDir({
      mqttUrl: broker.url,
      profiles: PROFILES,
      sites: { [id]: site(id) },
      main: { mqtt: { subscribe: 'sites', instance: name } },
    });
    cfgs.push(cfg);
    apps.push(await startApp(cfg.file));
  }
});

afterAll(async () => {
  await client?.endAsync();
  for (const app of apps) await app.stop();
  await Promise.all([broker?.stop(), ...cfgs.map((c) => c.cleanup())]);
});

const heard = (app: App) =>
  app.sensors
    .list()
    .filter((s) => s.value !== null)
    .map((s) => `${s.site}/${s.sensor}`)
    .sort();

describe('partitions of sites', () => {
  it('each instance receives only its own sites and keeps its own status', async () => {
    const [a, b] = apps as [App, App];
    for (const id of ['site-a', 'site-b', 'site-c']) await client.publishAsync(`gas/${id}/G`, '25', { qos: 1 });
    await waitFor(() => heard(a).length === 1 && heard(b).length === 1, { message: 'each heard its site' });
    await client.publishAsync('gas/site-a/G', '26', { qos: 1 }); // a marker after the others
    await waitFor(() => a.sensors.list().find((s) => s.site === 'site-a')?.value === 26, { message: 'marker' });
    expect(heard(a)).toEqual(['site-a/G']);
    expect(heard(b)).toEqual(['site-b/G']);
    expect(a.engine.list().map((x) => x.id)).toEqual(['site-a/G/hi']);
    expect(b.engine.list().map((x) => x.id)).toEqual(['site-b/G/hi']);
    const statuses = Object.fromEntries(
      seen.filter((m) => m.topic.startsWith('gaswatch/status/')).map((m) => [m.topic, JSON.parse(m.payload).state]),
    );
    expect(statuses).toEqual({ 'gaswatch/status/a': 'online', 'gaswatch/status/b': 'online' });
  });

  it('a site added to a partition is subscribed at the reload', async () => {
    const a = apps[0] as App;
    await (cfgs[0] as ConfigDir).writeSite('site-c', site('site-c'));
    await a.reload();
    await waitFor(() => a.config.sites.has('site-c'), { timeout: 10_000, message: 'site-c in the config' });
    await waitFor(
      async () => {
        await client.publishAsync('gas/site-c/G', '30', { qos: 1 });
        return heard(a).includes('site-c/G');
      },
      { timeout: 10_000, interval: 300, message: 'site-c heard after the reload' },
    );
    expect(heard(apps[1] as App)).toEqual(['site-b/G']);
  });
});
