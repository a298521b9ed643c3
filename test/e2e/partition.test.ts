/**
 * Growth beyond one instance (SPEC §10): several daemons behind one broker, each owning a partition
 * of sites (`mqtt.subscribe: sites`), each with its own retained status and its own system alarms
 * (`_gaswatch/{instance}.{name}/system`). A site added to a partition's config is subscribed live.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { type ConfigDir, startApp, writeConfigDir } from '../helpers/daemon.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { collect, connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
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
    // Each starts with an unreadable hazard register: each raises the system alarm hazard-register.
    await mkdir(cfg.stateDir, { recursive: true });
    await writeFile(`${cfg.stateDir}/hazards.json`, '{ not json');
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

const own = (app: App) =>
  app.engine
    .list()
    .map((x) => x.id)
    .filter((id) => !id.startsWith('_gaswatch/'));

describe('partitions of sites', () => {
  it('each instance receives only its own sites and keeps its own status', async () => {
    const [a, b] = apps as [App, App];
    for (const id of ['site-a', 'site-b', 'site-c']) await client.publishAsync(`gas/${id}/G`, '25', { qos: 1 });
    await waitFor(() => heard(a).length === 1 && heard(b).length === 1, { message: 'each heard its site' });
    await client.publishAsync('gas/site-a/G', '26', { qos: 1 }); // a marker after the others
    await waitFor(() => a.sensors.list().find((s) => s.site === 'site-a')?.value === 26, { message: 'marker' });
    expect(heard(a)).toEqual(['site-a/G']);
    expect(heard(b)).toEqual(['site-b/G']);
    expect(own(a)).toEqual(['site-a/G/hi']);
    expect(own(b)).toEqual(['site-b/G/hi']);
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

  it('keeps each partition’s system alarms apart: one acknowledged leaves the other’s standing', async () => {
    const [a, b] = apps as [App, App];
    const system = (app: App) => app.engine.list().filter((x) => x.site === '_gaswatch');
    expect(system(a).map((x) => [x.id, x.state])).toEqual([['_gaswatch/a.hazard-register/system', 'active_unacked']]);
    expect(system(b).map((x) => [x.id, x.state])).toEqual([['_gaswatch/b.hazard-register/system', 'active_unacked']]);
    expect(a.engine.ack('_gaswatch/a.hazard-register/system', 'wang', 'register restored from backup').ok).toBe(true);
    // On the broker: two retained records, a's acknowledged and b's still waiting for someone.
    const records = async () => {
      const room = await connectClient(broker.url);
      const got = await collect(room, 'gaswatch/alarms/_gaswatch/#');
      await waitFor(() => got.length >= 2, { message: 'two retained system alarm records' });
      await room.endAsync();
      return Object.fromEntries(got.map((m) => [m.topic, JSON.parse(m.payload).state]));
    };
    await waitFor(
      async () => (await records())['gaswatch/alarms/_gaswatch/a.hazard-register/system'] === 'active_acked',
      { message: "a's record acknowledged" },
    );
    expect(await records()).toEqual({
      'gaswatch/alarms/_gaswatch/a.hazard-register/system': 'active_acked',
      'gaswatch/alarms/_gaswatch/b.hazard-register/system': 'active_unacked',
    });
  });
});
