/**
 * Hot standby with no reading lost (SPEC §10, issue 15): an active/standby pair of real daemons
 * (child processes) on a real Mosquitto (persistence on, deep queues) and a real InfluxDB. A QoS 1
 * stream of 20,000 readings; the active node is killed with SIGKILL in the middle of it. The standby
 * takes the partition's session over — the broker hands it every reading the dead node had not
 * acknowledged — and is active within takeoverAfter (+ the broker's keep-alive grace, which a
 * SIGKILL does not need: the kernel closes the socket). Every reading is stored, counted per series;
 * an alarm standing before the kill still stands, never raised a second time; the killed node,
 * started again, stays standby, and nothing is written twice.
 */
import { type PublishedMessage, startScenario } from 'gaswatch-simulators';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmEvent } from '../../src/domain/types.js';
import { type Influxd, startInfluxd } from '../helpers/influxd.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
import { INSTANCE, type PairNode, pairNodes, type StatusSeen, watchStatus } from '../helpers/pair.js';
import { loadFleet, sentSeries, settledCount, storedSeries } from '../helpers/stored.js';
import { sleep, waitFor } from '../helpers/wait.js';

// 2 sites × 20 sensors × 25 Hz for 20 s = 20,000 readings at 1,000 a second.
const SITES = 2;
const SENSORS = 20;
const RATE = 25;
const DURATION_MS = 20_000;
const READINGS = SITES * SENSORS * RATE * (DURATION_MS / 1000);
const TAKEOVER_AFTER_MS = 3000;
/** Mosquitto closes a connection silent for 1.5 × its keep-alive (gaswatch's is 30 s). */
const KEEPALIVE_GRACE_MS = 45_000;
const DB = 'gaswatch_ha';
const ALARM = 'pair-site/G/hi';

let broker: Mosquitto;
let influx: Influxd;
let nodes: PairNode[];
let watcher: { client: MqttClient; seen: StatusSeen[] };
let client: MqttClient;
const seen: ReceivedMessage[] = [];

beforeAll(async () => {
  [broker, influx] = await Promise.all([startMosquitto({ persistence: true }), startInfluxd()]);
  const fleet = loadFleet(SITES, SENSORS);
  nodes = await pairNodes({
    mqttUrl: () => broker.url,
    influxUrl: influx.url,
    database: DB,
    takeoverAfter: `${TAKEOVER_AFTER_MS}ms`,
    profiles: {
      ...(fleet.profiles as object),
      gas: { unit: '%LEL', setpoints: { hi: { value: 20, priority: 'high' } } },
    },
    sites: {
      ...fleet.sites,
      'pair-site': {
        id: 'pair-site',
        type: 'station',
        sensors: [{ id: 'G', kind: 'gas', gas: 'methane', unit: '%LEL', profile: 'gas', interval: '1h' }],
      },
    },
  });
  watcher = await watchStatus(broker.url);
  client = await connectClient(broker.url, {}, recordAll(seen));
  await client.subscribeAsync(['gaswatch/events', 'gaswatch/alarms/#'], { qos: 1 });
});

afterAll(async () => {
  for (const n of nodes ?? []) await n.daemon?.stop();
  await Promise.all([watcher?.client.endAsync(), client?.endAsync()]);
  await Promise.all([broker?.stop(), influx?.stop(), ...(nodes ?? []).map((n) => n.cfg.cleanup())]);
});

const events = (type: string, id?: string) =>
  seen
    .filter((m) => m.topic === 'gaswatch/events')
    .map((m) => JSON.parse(m.payload) as AlarmEvent)
    .filter((e) => e.type === type && (id === undefined || e.alarm.id === id));

function lastLines(n: PairNode): string {
  return `--- node ${n.name}\n${n.daemon?.lines.slice(-30).join('\n')}`;
}

describe('a hot-standby pair', () => {
  it('the standby takes over a SIGKILLed active node: nothing lost, no alarm raised twice, the old node stays standby', {
    timeout: 180_000,
  }, async () => {
    const [a, b] = nodes as [PairNode, PairNode];
    try {
      a.start();
      await a.waitRole('active');
      b.start();
      await b.waitRole('standby');

      // An alarm standing before the kill, and a reading of it every half second throughout.
      await client.publishAsync('gas/pair-site/G', '50', { qos: 1 });
      await waitFor(() => events('raised', ALARM).length === 1, { message: 'the alarm raised by a' });
      const keepUp = setInterval(() => void client.publishAsync('gas/pair-site/G', '50', { qos: 1 }), 500);

      let published = 0;
      const run = startScenario({
        broker: broker.url,
        scenario: 'load',
        sites: SITES,
        sensors: SENSORS,
        rate: RATE,
        duration: DURATION_MS,
        speed: 1,
        qos: 1,
        seed: 15,
        startTime: Math.floor(Date.now() / 1000) * 1000,
        onPublish: () => published++,
      });
      await waitFor(async () => published >= 5000 && (await influx.count(DB, 'reading')) > 1000, {
        timeout: 30_000,
        message: 'stream under way and reaching InfluxDB',
      });
      const daemonA = a.daemon as NonNullable<PairNode['daemon']>;
      daemonA.child.kill('SIGKILL');
      await daemonA.exited;
      const killedAt = performance.now();
      const publishedAtKill = published;
      const storedAtKill = await influx.count(DB, 'reading');

      await b.waitRole('active', TAKEOVER_AFTER_MS + KEEPALIVE_GRACE_MS + 15_000);
      const readyAt = performance.now();
      const online = watcher.seen.find((s) => s.at > killedAt && s.state === 'online' && s.node === 'b');
      expect(online, 'b published itself online').toBeDefined();
      const statusMs = (online as StatusSeen).at - killedAt;
      expect(statusMs).toBeLessThan(TAKEOVER_AFTER_MS + KEEPALIVE_GRACE_MS);
      const lastTakeover = /^gaswatch_ha_last_takeover_seconds ([\d.e-]+)$/m.exec(await b.metrics())?.[1];

      // The killed node comes back: it stays standby.
      a.start();
      await a.waitRole('standby');

      const result = await run.done;
      clearInterval(keepUp);
      expect(result).toMatchObject({ published: READINGS, readings: READINGS, failed: 0, unacknowledged: 0 });
      await expectLoadStored(result.messages);

      // Still standing, raised once in all (MQTT events and InfluxDB), and b took it over as it was.
      await client.publishAsync('gas/pair-site/G', '50', { qos: 1 });
      const standing = seen.filter((m) => m.topic === `gaswatch/alarms/${ALARM}`).at(-1);
      expect(JSON.parse(standing?.payload ?? '{}')).toMatchObject({ id: ALARM, state: 'active_unacked' });
      expect(events('raised', ALARM)).toHaveLength(1);
      const raisedRows = await influx.query(
        `SELECT count("state") FROM alarm_event WHERE "type" = 'raised' AND "sensor" = 'G'`,
        DB,
      );
      expect(raisedRows[0]?.count).toBe(1);
      // The operators are told that b took over from a.
      expect(events('raised', `_gaswatch/${INSTANCE}.failover/system`).map((e) => e.alarm.message)).toEqual([
        expect.stringMatching(/\bb\b.*\ba\b/),
      ]);

      // a stayed standby for several takeover periods and wrote nothing: no status, no event of its own.
      await sleep(3 * TAKEOVER_AFTER_MS);
      expect((await a.readyz()).body).toMatchObject({ ready: false, role: 'standby' });
      expect(watcher.seen.filter((s) => s.at > killedAt && s.node === 'a')).toEqual([]);
      expect(a.daemon?.logs().filter((l) => String(l.msg).startsWith('hot standby: taking'))).toEqual([]);
      expect((await b.readyz()).body).toMatchObject({ ready: true, role: 'active', term: 2 });
      expect(await a.metrics()).toMatch(/^gaswatch_ha_role\{role="standby"\} 1$/m);

      console.log(
        `ha/failover: ${READINGS} readings at ${READINGS / (DURATION_MS / 1000)}/s, QoS 1; active node a SIGKILLed ` +
          `after ${publishedAtKill} published (${storedAtKill} in InfluxDB); b online ${(statusMs / 1000).toFixed(2)} s ` +
          `and ready ${((readyAt - killedAt) / 1000).toFixed(2)} s after the kill (takeoverAfter ` +
          `${TAKEOVER_AFTER_MS / 1000} s; restore and start of its active set ${lastTakeover} s); all ${READINGS} ` +
          `stored, counted per series; ${ALARM} raised once; a restarted and stayed standby`,
      );
    } catch (err) {
      for (const n of nodes) console.error(lastLines(n));
      throw err;
    }
  });
});

/** Every reading of the load sites in InfluxDB, exactly as sent, per series. */
async function expectLoadStored(messages: PublishedMessage[]): Promise<void> {
  const want = sentSeries(messages);
  const load = async () => new Map([...(await storedSeries(influx, DB))].filter(([k]) => k.startsWith('load-')));
  await settledCount(influx, DB, READINGS);
  await waitFor(async () => [...(await load()).values()].reduce((n, l) => n + l.length, 0) >= READINGS, {
    timeout: 60_000,
    message: `${READINGS} load readings stored`,
  });
  const have = await load();
  expect([...have.values()].reduce((n, l) => n + l.length, 0)).toBe(READINGS);
  expect([...have.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [key, list] of want) expect(have.get(key), key).toEqual(list);
}
