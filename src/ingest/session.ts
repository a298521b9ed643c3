/**
 * How the daemon's MQTT sessions are opened: the persistent session of the telemetry subscription
 * (SPEC §1: `clean: false`, a stable client id, MQTT 5 with a large receive maximum, a Last Will)
 * and short-lived clean sessions beside it on the same broker, credentials and TLS — e.g. to read
 * retained messages (reading them on the persistent session would also deliver echoes of our
 * publishes and leave the filter in the session).
 */
import { randomInt } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { MqttTls } from '../config/tls.js';
import { topicMatches } from './topics.js';

/** What every session of the daemon needs to reach the broker. */
export interface BrokerAccess {
  url: string;
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  protocolVersion: 4 | 5;
  /** TLS material for mqtts:// (src/config/tls.ts): private CA, client certificate, server name. */
  tls?: MqttTls | undefined;
}

/** mqtt.js passes these to tls.connect for mqtts:// and wss:// URLs. */
export function tlsOptions(tls: MqttTls | undefined): Partial<IClientOptions> {
  if (!tls) return {};
  return {
    rejectUnauthorized: tls.rejectUnauthorized,
    ...(tls.ca ? { ca: tls.ca } : {}),
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
    ...(tls.servername ? { servername: tls.servername } : {}),
  };
}

/** Credentials and TLS of `access`, for mqtt.connect. */
export function accessOptions(access: BrokerAccess): Partial<IClientOptions> {
  return {
    ...tlsOptions(access.tls),
    ...(access.username !== undefined ? { username: access.username } : {}),
    ...(access.password !== undefined ? { password: access.password } : {}),
  };
}

/** The retained messages under `filter`, read on a short-lived clean session within `settleMs`. */
export async function readRetained(
  access: BrokerAccess,
  filter: string,
  settleMs: number,
): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  const side = mqtt.connect(access.url, {
    clientId: `${access.clientId}-sync-${randomInt(0, 1e9)}`,
    clean: true,
    protocolVersion: access.protocolVersion,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...accessOptions(access),
  });
  side.on('error', () => undefined);
  try {
    await new Promise<void>((resolve, reject) => {
      side.once('connect', () => resolve());
      side.once('close', () => reject(new Error('retained read: connection closed')));
    });
    side.on('message', (topic, payload, packet) => {
      if (packet.retain && payload.length > 0 && topicMatches(filter, topic)) found.set(topic, payload);
    });
    await side.subscribeAsync(filter, { qos: 1 });
    await new Promise((r) => setTimeout(r, settleMs));
  } finally {
    await side.endAsync(true).catch(() => undefined);
  }
  return found;
}

/** The persistent session's options (connection.ts); reconnects are paced by the connection itself. */
export function persistentSessionOptions(
  o: BrokerAccess & {
    receiveMaximum: number;
    maximumPacketSize?: number | undefined;
    will: { topic: string; payload: string };
  },
  reconnectPeriod: number,
): IClientOptions {
  return {
    clientId: o.clientId,
    clean: false,
    protocolVersion: o.protocolVersion,
    reconnectPeriod,
    connectTimeout: 10_000,
    keepalive: 30,
    resubscribe: false,
    // A refused CONNECT (broker restarting, credentials being rotated) is retried with backoff
    // like a lost connection: a monitor must not give up.
    reconnectOnConnackError: true,
    will: { topic: o.will.topic, payload: Buffer.from(o.will.payload), qos: 1, retain: true },
    // mqtt.js logs through `debug` about ten times per packet; even disabled, those calls cost
    // more than a PUBACK. DEBUG=mqttjs* still turns them on.
    ...(/mqttjs/.test(process.env.DEBUG ?? '') ? {} : { log: () => undefined }),
    ...accessOptions(o),
    ...(o.protocolVersion === 5
      ? {
          properties: {
            sessionExpiryInterval: 0xffffffff,
            receiveMaximum: o.receiveMaximum,
            ...(o.maximumPacketSize !== undefined ? { maximumPacketSize: o.maximumPacketSize } : {}),
          },
        }
      : {}),
  };
}

/**
 * A broker without MQTT 5 refuses the CONNECT (3.1.1 return code 1, MQTT 5 reason 0x84): switch the
 * client to 3.1.1 for its next attempt rather than retrying for ever; true when it did. Flow control
 * then rests on the broker's in-flight window (docs/broker.md).
 */
export function fallBackTo311(client: MqttClient, err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  if (client.options.protocolVersion !== 5 || (code !== 1 && code !== 0x84)) return false;
  client.options.protocolVersion = 4;
  delete client.options.properties;
  return true;
}
