import { topicMatches } from '../../src/ingest/topics.js';

export { topicMatches };

import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';

export type QoS = 0 | 1 | 2;

export interface ReceivedMessage {
  topic: string;
  payload: string;
  retain: boolean;
  qos: QoS;
}

/**
 * Connects an mqtt.js client and resolves once the broker has accepted it; rejects (instead of
 * retrying forever) when the first attempt fails. Afterwards it reconnects quickly, which tests
 * that restart the broker rely on.
 *
 * `setup` runs before the connection opens: a persistent session (`clean: false`) gets its queued
 * messages right after CONNACK, before the awaiting test could attach a 'message' listener.
 */
export function connectClient(
  url: string,
  opts: IClientOptions = {},
  setup?: (client: MqttClient) => void,
): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 200, connectTimeout: 5000, ...opts, manualConnect: true });
  setup?.(client);
  return new Promise((resolve, reject) => {
    const settle = (err?: Error) => {
      client.off('connect', onConnect);
      client.off('error', onError);
      client.off('close', onClose);
      if (err) {
        client.end(true);
        reject(err);
      } else {
        resolve(client);
      }
    };
    const onConnect = () => settle();
    const onError = (err: Error) => settle(err);
    // mqtt.js does not emit 'error' for ECONNREFUSED; it closes and would retry forever.
    const onClose = () => settle(new Error(`could not connect to ${url}`));
    client.once('connect', onConnect);
    client.once('error', onError);
    client.once('close', onClose);
    client.connect();
  });
}

/** Records every message the client receives, from before it connects; pass as connectClient's `setup`. */
export function recordAll(into: ReceivedMessage[]): (client: MqttClient) => void {
  return (client) => {
    client.on('message', (topic, payload, packet) => {
      into.push(received(topic, payload, packet));
    });
  };
}

function received(topic: string, payload: Buffer, packet: IPublishPacket): ReceivedMessage {
  return { topic, payload: payload.toString('utf8'), retain: packet.retain, qos: packet.qos };
}

/**
 * Subscribes to `topicFilter` and records every matching message into the returned array, which
 * keeps filling for the life of the client. Resolves once the broker has granted the subscription,
 * so a publish after the await is guaranteed to be seen.
 */
export async function collect(client: MqttClient, topicFilter: string, qos: QoS = 1): Promise<ReceivedMessage[]> {
  const messages: ReceivedMessage[] = [];
  client.on('message', (topic, payload, packet) => {
    if (topicMatches(topicFilter, topic)) {
      messages.push(received(topic, payload, packet));
    }
  });
  const granted = await client.subscribeAsync(topicFilter, { qos });
  const failed = granted.find((g) => g.qos === 128);
  if (failed) throw new Error(`broker refused subscription to ${topicFilter}`);
  return messages;
}
