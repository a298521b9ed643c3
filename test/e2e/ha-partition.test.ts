/**
 * The split cases of a hot-standby pair that one machine can produce (docs/ha.md): each node reaches
 * the broker through a TCP proxy the test can sever.
 *
 * - The standby partitioned from the broker: it cannot see the status, so it takes nothing over; the
 *   active node keeps its term; healed, the standby watches again.
 * - The active node partitioned: the broker publishes its Last Will, the standby takes over; the
 *   deposed node stops at once — no stale alarms for the sensors it no longer hears, no
 *   notifications, no points — and, healed, it sees the higher term and stays standby: no ping-pong.
 * - The active node's link silently dropped (nothing closes; only timeouts tell): its heartbeat goes
 *   unacknowledged, it stops before the standby — which no longer hears the heartbeat — takes over.
 * - The broker restarting (persistence on): one node is active afterwards, the same one, with no
 *   ping-pong.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmEvent } from '../../src/domain/types.js';
import { type Influxd, startInfluxd } from '../helpers/influxd.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
import { type PairNode, pairNodes, type StatusSeen, watchStatus } from '../helpers/pair.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { type Receiver, startReceiver } from '../notify/receiver.js';

const TAKEOVER_AFTER_MS = 2000;
const DB = 'gaswatch_ha_split';

let broker: Mosquitto;
let influx: Influxd;
const proxies = new Map<string, TcpProxy>();
const receivers = new Map<string, Receiver>();
let nodes: PairNode[];
let watcher: { client: MqttClient; seen: StatusSeen[] };
let client: MqttClient;
const seen: ReceivedMessage[] = [];

beforeAll(async () => {
  [broker, influx] = await Promise.all([startMosquitto({ persistence: true, autosaveInterval: 1 }), startInfluxd()]);
  for (const n of ['a', 'b']) {
    proxies.set(n, await startTcpProxy({ host: '127.0.0.1', port: broker.port }));
    receivers.set(n, await startReceiver());
  }
  nodes = await pairNodes({
    mqttUrl: (n) => (proxies.get(n) as TcpProxy).url,
    influxUrl: influx.url,
    database: DB,
    takeoverAfter: `${TAKEOVER_AFTER_MS}ms`,
    profiles: { gas: { unit: '%LEL', setpoints: { hi: { value: 20, priority: 'high' } } } },
    // Silent for 3 s is stale: a node that kept running blind would raise it within seconds.
    sites: {
      s: {
        id: 's',
        type: 'station',
        sensors: ['G1', 'G2'].map((id) => ({
          id,
          kind: 'gas',
          gas: 'methane',
          unit: '%LEL',
          profile: 'gas',
          interval: '1s',
        })),
      },
    },
    main: (n) => ({
      notify: {
        channels: [{ name: 'duty', type: 'webhook', url: `${(receivers.get(n) as Receiver).url}/duty` }],
        routes: [{ channels: ['duty'] }],
      },
    }),
  });
  watcher = await watchStatus(broker.url);
  client = await connectClient(broker.url, {}, recordAll(seen));
  await client.subscribeAsync('gaswatch/events', { qos: 1 });
  const [a, b] = nodes as [PairNode, PairNode];
  a.start();
  await a.waitRole('active');
  b.start();
  await b.waitRole('standby');
});

afterAll(async () => {
  for (const n of nodes ?? []) await n.daemon?.stop();
  await Promise.all([watcher?.client.endAsync(), client?.endAsync()]);
  await Promise.all([...proxies.values(), ...receivers.values()].map((x) => x.close()));
  await Promise.all([broker?.stop(), influx?.stop(), ...(nodes ?? []).map((n) => n.cfg.cleanup())]);
});

const node = (name: string) => nodes.find((n) => n.name === name) as PairNode;
const onlineSince = (t: number) => watcher.seen.filter((s) => s.at > t && s.state === 'online');
const points = async (n: PairNode) =>
  [...(await n.metrics()).matchAll(/^gaswatch_influx_points_total\{result="\w+"\} (\d+)$/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );

const feeds = new Set<ReturnType<typeof setInterval>>();
/** Readings of both sensors every 200 ms until stopped (or the test fails). */
function feed(): () => void {
  const timer = setInterval(() => {
    for (const s of ['G1', 'G2']) client.publishAsync(`gas/s/${s}`, '5', { qos: 1 }).catch(() => undefined);
  }, 200);
  feeds.add(timer);
  return () => clearInterval(timer);
}

async function onFailure<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    for (const t of feeds) clearInterval(t);
    for (const n of nodes) console.error(`--- node ${n.name}\n${n.daemon?.lines.slice(-25).join('\n')}`);
    throw err;
  }
}

describe('split cases', () => {
  it('the standby partitioned from the broker takes nothing over', { timeout: 60_000 }, () =>
    onFailure(async () => {
      const [a, b] = [node('a'), node('b')];
      const term = (await a.readyz()).body.term;
      const cutAt = performance.now();
      proxies.get('b')?.cut();
      await sleep(3 * TAKEOVER_AFTER_MS);
      const blind = (await b.readyz()).body;
      expect(blind).toMatchObject({ role: 'standby', ready: false, watching: false });
      expect(blind.reasons.join()).toMatch(/cannot see the partition status/);
      expect((await a.readyz()).body).toMatchObject({ role: 'active', ready: true, term });
      proxies.get('b')?.heal();
      await b.waitRole('standby');
      await sleep(2 * TAKEOVER_AFTER_MS);
      expect((await b.readyz()).body.role).toBe('standby');
      expect((await a.readyz()).body).toMatchObject({ role: 'active', term });
      expect(onlineSince(cutAt).every((s) => s.node === 'a' && s.term === term)).toBe(true);
    }),
  );

  it(
    'the active node partitioned: the standby takes over, the deposed node stops writing and stays standby',
    { timeout: 90_000 },
    () =>
      onFailure(async () => {
        const [a, b] = [node('a'), node('b')];
        const stop = feed();
        await waitFor(async () => (await points(a)) > 10, { message: 'a writing readings' });
        const termA = (await a.readyz()).body.term as number;
        const rxA = receivers.get('a') as Receiver;
        const cutAt = performance.now();
        proxies.get('a')?.cut();

        await waitFor(async () => (await a.readyz()).body.role === 'standby', { interval: 20, message: 'a deposed' });
        const deposedAt = performance.now();
        await b.waitRole('active', TAKEOVER_AFTER_MS + 15_000);
        const tookOverMs = performance.now() - cutAt;
        const writtenByA = await points(a);
        const requestsToA = rxA.requests.length;
        // Long enough for G1/G2 to go stale (3 s) on a node that kept running blind.
        await sleep(3 * TAKEOVER_AFTER_MS);
        expect(await points(a)).toBe(writtenByA);
        expect(rxA.requests.slice(requestsToA)).toEqual([]);

        proxies.get('a')?.heal();
        await a.waitRole('standby');
        await sleep(3 * TAKEOVER_AFTER_MS);
        stop();
        expect((await a.readyz()).body.role).toBe('standby');
        const termB = (await b.readyz()).body.term as number;
        expect(termB).toBeGreaterThan(termA);
        expect((await b.readyz()).body).toMatchObject({ role: 'active', ready: true });
        // No ping-pong: after the cut only b claimed the partition, in one term.
        expect(
          onlineSince(cutAt)
            .map((s) => `${s.node} ${s.term}`)
            .filter((v, i, all) => all.indexOf(v) === i),
        ).toEqual([`b ${termB}`]);
        const stale = seen
          .filter((m) => m.topic === 'gaswatch/events')
          .map((m) => JSON.parse(m.payload) as AlarmEvent)
          .filter((e) => e.type === 'raised' && e.alarm.condition === 'stale');
        expect(stale).toEqual([]);
        console.log(
          `ha/partition: a's link cut; a stood by after ${((deposedAt - cutAt) / 1000).toFixed(2)} s, b active after ` +
            `${(tookOverMs / 1000).toFixed(2)} s (takeoverAfter ${TAKEOVER_AFTER_MS / 1000} s); a wrote no point and ` +
            'sent no notification after it stood by; healed, a stayed standby',
        );
      }),
  );

  it(
    'the active node’s link silently dropped: its lease lapses and it stops before the standby starts',
    { timeout: 90_000 },
    () =>
      onFailure(async () => {
        const [active, standby] =
          (await node('a').readyz()).body.role === 'active' ? [node('a'), node('b')] : [node('b'), node('a')];
        const stop = feed();
        await waitFor(async () => (await points(active)) > 10, { message: 'the active node writing readings' });
        const rx = receivers.get(active.name) as Receiver;
        const frozenAt = performance.now();
        proxies.get(active.name)?.freeze();
        await waitFor(async () => (await active.readyz()).body.role === 'standby', {
          timeout: 2 * TAKEOVER_AFTER_MS + 5000,
          interval: 20,
          message: 'the frozen node stands by',
        });
        const stoodByMs = performance.now() - frozenAt;
        await standby.waitRole('active', TAKEOVER_AFTER_MS + 15_000);
        const tookOverMs = performance.now() - frozenAt;
        const written = await points(active);
        const requests = rx.requests.length;
        await sleep(3 * TAKEOVER_AFTER_MS);
        expect(await points(active)).toBe(written);
        expect(rx.requests.slice(requests)).toEqual([]);
        proxies.get(active.name)?.heal();
        await active.waitRole('standby', 60_000);
        stop();
        expect((await standby.readyz()).body).toMatchObject({ role: 'active', ready: true });
        expect(active.daemon?.logs().some((l) => /has not acknowledged the heartbeat/.test(String(l.msg)))).toBe(true);
        console.log(
          `ha/partition: ${active.name}'s link frozen; its lease lapsed and it stood by after ${(stoodByMs / 1000).toFixed(2)} s, ` +
            `${standby.name} active after ${(tookOverMs / 1000).toFixed(2)} s (takeoverAfter ${TAKEOVER_AFTER_MS / 1000} s)`,
        );
      }),
  );

  it('the broker restarting: one node active afterwards, the same one, no ping-pong', { timeout: 90_000 }, () =>
    onFailure(async () => {
      const [active, standby] =
        (await node('a').readyz()).body.role === 'active' ? [node('a'), node('b')] : [node('b'), node('a')];
      const before = (await active.readyz()).body.term as number;
      const stop = feed();
      const restartAt = performance.now();
      await broker.stopForOutage();
      await sleep(1000);
      await broker.restart();
      await waitFor(async () => (await active.readyz()).status === 200 || (await standby.readyz()).status === 200, {
        timeout: 45_000,
        message: 'a node active again',
      });
      await sleep(4 * TAKEOVER_AFTER_MS);
      stop();
      expect((await active.readyz()).body.role).toBe('active');
      expect((await standby.readyz()).body.role).toBe('standby');
      const claims = onlineSince(restartAt)
        .map((s) => `${s.node} ${s.term}`)
        .filter((v, i, all) => all.indexOf(v) === i);
      // The active node takes its own partition back at once, in a new term; the other never claims it.
      expect(claims).toEqual([`${active.name} ${before + 1}`]);
      // Its stand-down did not wait on the broker that was gone (a gentle MQTT end waited 5 s for
      // publishes in flight, long enough under load for the standby to win the partition).
      const stoodBy = active.daemon?.logs().filter((l) => l.msg === 'hot standby: standing by') ?? [];
      expect(stoodBy.length).toBeGreaterThan(0);
      for (const l of stoodBy) expect(Number(l.tookMs)).toBeLessThan(2000);
    }),
  );
});
