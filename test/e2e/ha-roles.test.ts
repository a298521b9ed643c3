/**
 * A hot-standby pair's roles (SPEC §10, docs/ha.md), with the real daemons on a real Mosquitto:
 * both nodes started at once on a broker that has never seen the partition — one becomes active,
 * for good; the standby's console and API show the partition's alarms read-only and refuse
 * acknowledgements (503 `standby`) while `/readyz` says 503 `standby` and `/metrics` the role; a
 * clean stop of the active node hands the partition over at once, without waiting takeoverAfter; a
 * broker restart that loses every retained message (no persistence) leaves the node that held the
 * partition with its own alarm book, not an empty one.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
import { INSTANCE, type PairNode, pairNodes, type StatusSeen, watchStatus } from '../helpers/pair.js';
import { sleep, waitFor } from '../helpers/wait.js';

const TAKEOVER_AFTER_MS = 10_000;
const TOKEN = 'Pq8Rt2Vw5Yz7Bc1Df4Gh6Jk9Lm3Np0Sx4u';
const auth = { authorization: `Bearer ${TOKEN}` };

let broker: Mosquitto;
let nodes: PairNode[];
let watcher: { client: MqttClient; seen: StatusSeen[] };
let client: MqttClient;
const seen: ReceivedMessage[] = [];

beforeAll(async () => {
  broker = await startMosquitto();
  nodes = await pairNodes({
    mqttUrl: () => broker.url,
    takeoverAfter: `${TAKEOVER_AFTER_MS}ms`,
    profiles: { gas: { unit: '%LEL', setpoints: { hi: { value: 20, priority: 'high' } } } },
    sites: {
      s: {
        id: 's',
        type: 'station',
        sensors: [{ id: 'G', kind: 'gas', gas: 'methane', unit: '%LEL', profile: 'gas', interval: '1h' }],
      },
    },
    main: () => ({ operators: [{ name: 'wang', role: 'operator', token: TOKEN }] }),
  });
  watcher = await watchStatus(broker.url);
  client = await connectClient(broker.url, {}, recordAll(seen));
  await client.subscribeAsync('gaswatch/events', { qos: 1 });
});

afterAll(async () => {
  for (const n of nodes ?? []) await n.daemon?.stop();
  await Promise.all([watcher?.client.endAsync(), client?.endAsync()]);
  await Promise.all([broker?.stop(), ...(nodes ?? []).map((n) => n.cfg.cleanup())]);
});

async function roles(): Promise<string[]> {
  return Promise.all(nodes.map(async (n) => `${n.name} ${(await n.readyz()).body.role}`));
}

async function onFailure<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    for (const n of nodes) console.error(`--- node ${n.name}\n${n.daemon?.lines.slice(-25).join('\n')}`);
    throw err;
  }
}

describe('roles of a pair', () => {
  it('both nodes started at once: one becomes active, for good', { timeout: 90_000 }, () =>
    onFailure(async () => {
      for (const n of nodes) n.start();
      await waitFor(async () => (await Promise.all(nodes.map((n) => n.readyz()))).some((r) => r.status === 200), {
        timeout: TAKEOVER_AFTER_MS + 20_000,
        message: 'a node active',
      });
      const settledAt = performance.now();
      await sleep(TAKEOVER_AFTER_MS);
      const now = await roles();
      expect(now.filter((r) => r.endsWith('active'))).toHaveLength(1);
      expect(now.filter((r) => r.endsWith('standby'))).toHaveLength(1);
      expect(watcher.seen.filter((s) => s.at > settledAt && s.state === 'online').every((s) => s.term === 1)).toBe(
        true,
      );
      const claims = [...new Set(watcher.seen.filter((s) => s.state === 'online').map((s) => `${s.node} ${s.term}`))];
      console.log(`ha/roles: both started at once: ${now.join(', ')}; claims seen: ${claims.join(', ')}`);
      expect(claims.length).toBeLessThanOrEqual(2);
    }),
  );

  it('the standby shows the partition read-only and refuses acknowledgements', { timeout: 30_000 }, () =>
    onFailure(async () => {
      const active = (await roles())[0]?.endsWith('active') ? nodes[0] : nodes[1];
      const standby = nodes.find((n) => n !== active) as PairNode;
      const url = (n: PairNode, p: string) => `http://127.0.0.1:${n.port}${p}`;
      await client.publishAsync('gas/s/G', '50', { qos: 1 });
      await waitFor(
        async () =>
          ((await (await fetch(url(standby, '/api/alarms'), { headers: auth })).json()) as unknown[]).length === 1,
        {
          message: 'the standby shows the alarm',
        },
      );
      const [record] = (await (await fetch(url(standby, '/api/alarms'), { headers: auth })).json()) as {
        id: string;
        state: string;
      }[];
      expect(record).toMatchObject({ id: 's/G/hi', state: 'active_unacked' });

      const ack = (n: PairNode) =>
        fetch(url(n, '/api/alarms/s/G/hi/ack'), {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ comment: 'seen' }),
        });
      const refused = await ack(standby);
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ error: 'standby' });
      const r = await standby.readyz();
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ ready: false, role: 'standby', watching: true });
      expect(r.body.reasons.join()).toMatch(new RegExp(`node ${(active as PairNode).name} is active`));
      expect(await standby.metrics()).toMatch(/^gaswatch_ha_role\{role="standby"\} 1$/m);
      expect(await (await fetch(url(standby, '/api/ha'), { headers: auth })).json()).toMatchObject({
        node: standby.name,
        role: 'standby',
        active: { node: (active as PairNode).name, online: true },
      });

      // The active node takes it; the standby sees the acknowledgement too.
      expect((await ack(active as PairNode)).status).toBe(200);
      await waitFor(
        async () =>
          ((await (await fetch(url(standby, '/api/alarms'), { headers: auth })).json()) as { state: string }[])[0]
            ?.state === 'active_acked',
        { message: 'the standby shows the acknowledgement' },
      );
    }),
  );

  it('a clean stop of the active node hands the partition over at once', { timeout: 60_000 }, () =>
    onFailure(async () => {
      const active = (await roles())[0]?.endsWith('active') ? (nodes[0] as PairNode) : (nodes[1] as PairNode);
      const standby = nodes.find((n) => n !== active) as PairNode;
      const stoppedAt = performance.now();
      const stopping = active.daemon?.stop();
      await standby.waitRole('active', TAKEOVER_AFTER_MS + 10_000);
      const tookMs = performance.now() - stoppedAt;
      await stopping;
      expect(watcher.seen.some((s) => s.at > stoppedAt && s.handover === true && s.node === active.name)).toBe(true);
      // Without the handover the standby would wait takeoverAfter after the offline status.
      expect(tookMs).toBeLessThan(TAKEOVER_AFTER_MS);
      // The acknowledged alarm stands as it was on the node that took over.
      const list = await (await fetch(`http://127.0.0.1:${standby.port}/api/alarms`, { headers: auth })).json();
      // …and a planned handover is no failover: no alarm about it.
      expect(list).toEqual([expect.objectContaining({ id: 's/G/hi', state: 'active_acked', ackedBy: 'wang' })]);
      console.log(
        `ha/roles: clean stop of node ${active.name}: node ${standby.name} active ${(tookMs / 1000).toFixed(2)} s later`,
      );
    }),
  );
  it(
    'a broker restart without persistence: the node takes its partition back with its own alarm book',
    { timeout: 60_000 },
    () =>
      onFailure(async () => {
        const active = nodes.find((n) => n.daemon?.child.exitCode === null) as PairNode;
        const before = (await active.readyz()).body.term as number;
        await broker.stopForOutage();
        await broker.restart(); // no persistence: the retained status, records and session are gone
        await waitFor(
          async () => (await active.readyz()).body.term === before + 1 && (await active.readyz()).status === 200,
          {
            timeout: 30_000,
            message: 'the node active again in a new term',
          },
        );
        const list = await (await fetch(`http://127.0.0.1:${active.port}/api/alarms`, { headers: auth })).json();
        // Its book, and the alarm that the broker lost the session (whatever was queued for it is gone).
        expect(list).toHaveLength(2);
        expect(list).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ id: 's/G/hi', state: 'active_acked', ackedBy: 'wang' }),
            expect.objectContaining({ id: `_gaswatch/${INSTANCE}.session-lost/system`, state: 'cleared_unacked' }),
          ]),
        );
        // …and its retained record is on the broker again (republished just after the takeover).
        const retained = async () => {
          const fresh = await connectClient(broker.url);
          const got: boolean[] = [];
          fresh.on(
            'message',
            (topic, _payload, packet) => topic === 'gaswatch/alarms/s/G/hi' && got.push(packet.retain),
          );
          await fresh.subscribeAsync('gaswatch/alarms/#', { qos: 1 });
          await sleep(300);
          await fresh.endAsync();
          return got.includes(true);
        };
        await waitFor(retained, { message: 'the retained record republished' });
      }),
  );
});
