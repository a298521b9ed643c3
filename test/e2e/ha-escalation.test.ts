/**
 * Escalation across a takeover (issue 15, docs/ha.md): the node that takes a partition over resumes
 * each alarm's chain from `raisedAt` and its journal. While it was the standby it wrote the other
 * node's events into its journal — the `notified` of the first person included — so it does not
 * call that person again. A node that was not running when the other called someone cannot know:
 * it calls them once more (the fail-safe side), as documented.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmEvent } from '../../src/domain/types.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient, type ReceivedMessage, recordAll } from '../helpers/mqtt-client.js';
import { type PairNode, pairNodes } from '../helpers/pair.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { type Receiver, startReceiver } from '../notify/receiver.js';

const TAKEOVER_AFTER_MS = 2000;

let broker: Mosquitto;
let rx: Receiver;
let nodes: PairNode[];
let client: MqttClient;
const seen: ReceivedMessage[] = [];

beforeAll(async () => {
  [broker, rx] = await Promise.all([startMosquitto({ persistence: true }), startReceiver()]);
  nodes = await pairNodes({
    mqttUrl: () => broker.url,
    takeoverAfter: `${TAKEOVER_AFTER_MS}ms`,
    profiles: { gas: { unit: '%LEL', setpoints: { hi: { value: 20, priority: 'high' } } } },
    sites: {
      s: {
        id: 's',
        type: 'station',
        responsible: [
          { name: 'Li Wei', webhook: `${rx.url}/li-wei`, escalateAfter: '1h' },
          { name: 'Zhao Min', webhook: `${rx.url}/zhao-min`, escalateAfter: '1h' },
        ],
        sensors: ['G1', 'G2'].map((id) => ({
          id,
          kind: 'gas',
          gas: 'methane',
          unit: '%LEL',
          profile: 'gas',
          interval: '1h',
        })),
      },
    },
    main: () => ({ notify: { escalation: { personalWebhooks: true } } }),
  });
  client = await connectClient(broker.url, {}, recordAll(seen));
  await client.subscribeAsync('gaswatch/events', { qos: 1 });
});

afterAll(async () => {
  for (const n of nodes ?? []) await n.daemon?.stop();
  await client?.endAsync();
  await Promise.all([broker?.stop(), rx?.close(), ...(nodes ?? []).map((n) => n.cfg.cleanup())]);
});

/** Messages Li Wei received, by alarm. */
const toLiWei = () =>
  rx.requests
    .filter((r) => r.url === '/li-wei')
    .map((r) => (r.body as { event?: { alarm?: { id?: string } } }).event?.alarm?.id ?? '?')
    .sort();

const notified = (id: string) =>
  seen
    .filter((m) => m.topic === 'gaswatch/events')
    .map((m) => JSON.parse(m.payload) as AlarmEvent)
    .filter((e) => e.type === 'notified' && e.alarm.id === id && e.operator === 'Li Wei');

async function kill(n: PairNode): Promise<void> {
  n.daemon?.child.kill('SIGKILL');
  await n.daemon?.exited;
}

describe('escalation across a takeover', () => {
  it('resumes each chain: who the standby saw called is not called again; what it could not see is', {
    timeout: 120_000,
  }, async () => {
    const [a, b] = nodes as [PairNode, PairNode];
    try {
      a.start();
      await a.waitRole('active');
      b.start();
      await b.waitRole('standby');

      // a raises G1 and calls Li Wei; b, watching, journals a's `notified`.
      await client.publishAsync('gas/s/G1', '50', { qos: 1 });
      await waitFor(() => notified('s/G1/hi').length === 1, { message: 'Li Wei notified of G1 by a' });
      await sleep(1500); // b's standby journal writes every second
      await kill(a);
      await b.waitRole('active', TAKEOVER_AFTER_MS + 15_000);
      await sleep(3000);
      expect(toLiWei()).toEqual(['s/G1/hi']);

      // b raises G2 and calls Li Wei while a is down: a cannot see it.
      await client.publishAsync('gas/s/G2', '50', { qos: 1 });
      await waitFor(() => notified('s/G2/hi').length === 1, { message: 'Li Wei notified of G2 by b' });
      await sleep(500);
      await kill(b);
      a.start();
      await a.waitRole('active', TAKEOVER_AFTER_MS + 20_000);
      await waitFor(() => toLiWei().length === 3, { message: 'a calls Li Wei about G2 once more' });
      await sleep(3000);
      // G1: a's own journal knows it called her. G2: a was down when b did — she hears it twice.
      expect(toLiWei()).toEqual(['s/G1/hi', 's/G2/hi', 's/G2/hi']);
      expect(rx.requests.filter((r) => r.url === '/zhao-min')).toEqual([]);
    } catch (err) {
      for (const n of nodes) console.error(`--- node ${n.name}\n${n.daemon?.lines.slice(-25).join('\n')}`);
      throw err;
    }
  });
});
