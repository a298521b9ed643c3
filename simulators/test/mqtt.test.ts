import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mosquitto, startMosquitto } from '../../test/helpers/mosquitto.js';
import { collect, connectClient, type ReceivedMessage } from '../../test/helpers/mqtt-client.js';
import { freePort } from '../../test/helpers/ports.js';
import { waitFor } from '../../test/helpers/wait.js';
import { main } from '../src/cli-main.js';
import { generate, type PublishedMessage, runScenario, startScenario } from '../src/index.js';
import { START } from './helpers.js';

let broker: Mosquitto;
let listener: MqttClient;

beforeAll(async () => {
  broker = await startMosquitto();
  listener = await connectClient(broker.url, { clientId: 'sim-test-listener' });
});

afterAll(async () => {
  await listener?.endAsync();
  await broker?.stop();
});

/** Messages per topic, in order: MQTT keeps order per topic from one publisher, not across topics. */
const perTopic = (list: Array<{ topic: string; payload: string }>) => {
  const map = new Map<string, string[]>();
  for (const m of list) map.set(m.topic, [...(map.get(m.topic) ?? []), m.payload]);
  return map;
};

/** A subscriber of its own on gas/# for one test; tests in this file run one after another. */
async function listen(): Promise<{ received: ReceivedMessage[]; done: () => Promise<void> }> {
  const client = await connectClient(broker.url, { clientId: `sim-test-${Math.random().toString(16).slice(2)}` });
  const received = await collect(client, 'gas/#', 1);
  return { received, done: () => client.endAsync() };
}

describe('through a real Mosquitto', () => {
  it('QoS 1: the subscriber receives exactly what was published, which is exactly what the generator yields', async () => {
    const sub = await listen();
    const opts = { scenario: 'garbage', seed: 31, startTime: START, duration: '45s' } as const;
    const result = await runScenario({ ...opts, broker: broker.url, speed: 'max', qos: 1 });
    expect(result.failed).toBe(0);
    expect(result.unacknowledged).toBe(0);
    expect(result.acknowledged).toBe(result.published);
    expect(result.published).toBe(result.messages.length);
    expect(result.byFormat.garbage).toBe(9);
    expect(Object.keys(result.garbage).length).toBe(8);

    await waitFor(() => sub.received.length >= result.published, { message: `${result.published} messages` });
    // Nothing extra arrives after the last one (empty and 300 KiB payloads included).
    expect(sub.received.length).toBe(result.published);
    expect(perTopic(sub.received)).toEqual(perTopic(result.messages));
    expect(sub.received.every((m) => m.qos === 1)).toBe(true);
    expect(result.messages.map((m) => m.payload)).toEqual([...generate(opts)].map((m) => m.payload));
    await sub.done();
  });

  it('paces simulated time: speed 60 plays 30 simulated seconds in about half a wall second', async () => {
    const sub = await listen();
    const t0 = performance.now();
    const result = await runScenario({
      scenario: 'normal',
      seed: 1,
      startTime: START,
      duration: '30s',
      broker: listener,
      speed: 60,
      qos: 1,
    });
    const wall = performance.now() - t0;
    expect(wall).toBeGreaterThanOrEqual(450);
    expect(wall).toBeLessThan(3000);
    expect(result.maxLagMs).toBeLessThan(1000);
    await waitFor(() => sub.received.length === result.published);
    // A client passed in stays connected: the run does not own it.
    expect(listener.connected).toBe(true);
    await sub.done();
  });

  it('stop() ends a looping run cleanly, every published message acknowledged', async () => {
    const seen: PublishedMessage[] = [];
    const run = startScenario({
      scenario: 'dropout',
      seed: 2,
      startTime: START,
      duration: '20s',
      broker: broker.url,
      speed: 200,
      qos: 1,
      loop: true,
      onPublish: (m) => seen.push(m),
    });
    // 20 s simulated at 200× is 100 ms a pass: wait for the third pass, then stop.
    await waitFor(() => seen.some((m) => m.iteration >= 2));
    const result = await run.stop();
    expect(result.stopped).toBe(true);
    expect(result.iterations).toBeGreaterThanOrEqual(3);
    expect(result.acknowledged).toBe(result.published);
    expect(result.published).toBe(seen.length);
    // Simulated time runs on across passes.
    const firstOfPass2 = seen.find((m) => m.iteration === 1)!;
    expect(firstOfPass2.at).toBeGreaterThanOrEqual(START + 20_000);
  });

  it('an AbortSignal ends a run too', async () => {
    const ac = new AbortController();
    const pending = runScenario({
      scenario: 'normal',
      seed: 3,
      duration: '1h',
      broker: broker.url,
      speed: 10,
      signal: ac.signal,
      onPublish: () => ac.abort(),
    });
    const result = await pending;
    expect(result.stopped).toBe(true);
    expect(result.published).toBe(1);
  });

  it('rejects at once when the broker is unreachable', async () => {
    const port = await freePort();
    await expect(
      runScenario({ scenario: 'normal', broker: `mqtt://127.0.0.1:${port}`, duration: '1s' }),
    ).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});

describe('gaswatch-sim CLI', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    let interrupt: (() => void) | undefined;
    return {
      out,
      err,
      interrupt: () => interrupt?.(),
      io: {
        out: (l: string) => out.push(l),
        err: (l: string) => err.push(l),
        onInterrupt: (h: () => void) => {
          interrupt = h;
          return () => {
            interrupt = undefined;
          };
        },
      },
    };
  };

  it('publishes a scenario, prints a summary and exits 0', async () => {
    const sub = await listen();
    const c = io();
    const code = await main(
      ['--broker', broker.url, '--scenario', 'stuck-sensor', '--seed', '5', '--speed', 'max', '--duration', '20s'],
      c.io,
    );
    expect(code).toBe(0);
    const text = c.out.join('\n');
    const published = Number(/published (\d+) messages/.exec(text)?.[1]);
    expect(published).toBe([...generate({ scenario: 'stuck-sensor', seed: 5, duration: '20s' })].length);
    expect(text).toMatch(/seed 5/);
    expect(text).toMatch(new RegExp(`acknowledged ${published} \\(QoS 1\\), failed 0`));
    await waitFor(() => sub.received.length === published);
    await sub.done();
  });

  it('stops cleanly on Ctrl-C during a looping run and still exits 0', async () => {
    const c = io();
    const pending = main(
      ['--broker', broker.url, '--scenario', 'normal', '--loop', '--speed', '30', '--verbose'],
      c.io,
    );
    // --verbose prints a line per message: interrupt once a few are out.
    await waitFor(() => c.out.filter((l) => l.includes(' gas/')).length >= 5);
    c.interrupt();
    expect(await pending).toBe(0);
    expect(c.out.join('\n')).toMatch(/stopped early/);
    expect(c.out.join('\n')).toMatch(/failed 0, unacknowledged 0/);
  });

  it('exits 2 with the scenario list for an unknown scenario, and 1 when the broker is down', async () => {
    const c = io();
    expect(await main(['--scenario', 'boom'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/known scenarios: normal, slow-leak/);
    const port = await freePort();
    const d = io();
    expect(await main(['--broker', `mqtt://127.0.0.1:${port}`, '--scenario', 'normal', '--quiet'], d.io)).toBe(1);
  });
});
