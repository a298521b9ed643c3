import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MqttConnection } from '../../src/ingest/connection.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../src/ingest/embedded-broker.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';

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
