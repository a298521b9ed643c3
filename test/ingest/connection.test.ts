import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MqttConnection } from '../../src/ingest/connection.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../src/ingest/embedded-broker.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { type Mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { connectClient } from '../helpers/mqtt-client.js';
import { sleep, waitFor } from '../helpers/wait.js';

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker(); // aedes: MQTT 3.1.1 only
});
afterAll(async () => {
  await broker?.stop();
});

describe('MqttConnection', () => {
  it('falls back to MQTT 3.1.1 when the broker refuses MQTT 5', async () => {
    const conn = new MqttConnection(
      {
        url: broker.url,
        clientId: 'fallback-test',
        protocolVersion: 5,
        receiveMaximum: 100,
        filters: ['gas/+/+'],
        statusTopic: 'gaswatch/status',
        onlinePayload: () => '{"state":"online"}',
        offlinePayload: '{"state":"offline"}',
      },
      { logger: silentLogger(), clock: systemClock },
    );
    await conn.start(10_000);
    expect(conn.connected).toBe(true);
    await conn.stop();
  });
});

describe('MqttConnection against Mosquitto', () => {
  let mosquitto: Mosquitto;
  beforeAll(async () => {
    mosquitto = await startMosquitto();
  });
  afterAll(async () => {
    await mosquitto?.stop();
  });

  function connection(clientId: string, saturated?: () => boolean): MqttConnection {
    return new MqttConnection(
      {
        url: mosquitto.url,
        clientId,
        protocolVersion: 5,
        receiveMaximum: 65535,
        filters: ['gas/+/+'],
        statusTopic: 'gaswatch/status',
        onlinePayload: () => '{"state":"online"}',
        offlinePayload: '{"state":"offline"}',
        saturated,
      },
      { logger: silentLogger(), clock: systemClock },
    );
  }

  async function publish(n: number): Promise<void> {
    const pub = await connectClient(mosquitto.url, { clientId: `pub-${Math.random()}` });
    await Promise.all(
      Array.from({ length: n }, (_, i) => pub.publishAsync(`gas/s/x${i % 50}`, `{"value":${i}}`, { qos: 1 })),
    );
    await pub.endAsync();
  }

  it('acknowledges only what became durable, in order; the rest is redelivered after a reconnect', async () => {
    const conn = connection('acks-test');
    const gates: Array<() => void> = [];
    const seen: string[] = [];
    conn.onMessage((_topic, payload) => {
      seen.push(payload.toString());
      return new Promise<void>((resolve) => gates.push(resolve));
    });
    await conn.start(10_000);
    await publish(10);
    await waitFor(() => seen.length === 10, { message: '10 messages' });
    expect(conn.unacked).toBe(10);
    // Durable out of order: only the first four can be acknowledged.
    for (const i of [3, 1, 0, 2, 5]) gates[i]?.();
    await waitFor(() => conn.unacked === 6, { message: 'the first four acknowledged' });
    await conn.stop();
    // A new connection on the same session gets exactly the six not acknowledged.
    const again = connection('acks-test');
    const redelivered: string[] = [];
    again.onMessage((_topic, payload) => {
      redelivered.push(payload.toString());
      return undefined;
    });
    await again.start(10_000);
    await waitFor(() => redelivered.length >= 6, { message: 'six redelivered' });
    await sleep(200);
    expect(redelivered.map((p) => JSON.parse(p).value).sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 8, 9]);
    await again.stop();
  });

  it('stops reading from the broker while saturated, and reads the rest once it is not', async () => {
    let saturated = true;
    const conn = connection('pause-test', () => saturated);
    let received = 0;
    conn.onMessage(() => {
      received++;
      return undefined;
    });
    await conn.start(10_000);
    await publish(5000);
    await waitFor(() => received > 0, { message: 'a first message' });
    await sleep(200);
    const paused = received;
    await sleep(300);
    expect(received).toBe(paused);
    expect(paused).toBeLessThan(5000);
    saturated = false;
    await waitFor(() => received === 5000, { timeout: 20_000, message: 'all 5000 after the pause' });
    await conn.stop();
  });
});
