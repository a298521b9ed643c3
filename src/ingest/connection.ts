/**
 * The daemon's MQTT connection: QoS 1 subscriptions on a persistent session, PUBACK only once a
 * message's readings are durable, reconnect with backoff and jitter, resubscribe on every connect,
 * and a retained status with a Last Will (SPEC §1, §4).
 *
 * Delayed acknowledgement: mqtt.js sends the PUBACK when `handleMessage`'s callback succeeds and
 * processes one packet at a time until then. Holding that callback until the store's group commit
 * would serialise the stream to one message per flush, so `handleMessage` releases the pipeline at
 * once (an error value tells mqtt.js not to acknowledge) and this module sends the PUBACK itself when
 * the message is durable — in the order the PUBLISH packets arrived, as MQTT 3.1.1 §4.6 requires,
 * and never on a later connection than the one the message came on (the broker redelivers those).
 * The in-order queue is ack-queue.ts.
 */
import { randomInt } from 'node:crypto';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Clock, Timer } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { AckQueue, encodePubacks } from './ack-queue.js';
import { topicMatches } from './topics.js';

export interface ConnectionOptions {
  url: string;
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  protocolVersion: 4 | 5;
  receiveMaximum: number;
  /** Filters to subscribe with QoS 1. */
  filters: string[];
  /** Retained status topic and its online/offline payloads. */
  statusTopic: string;
  onlinePayload: () => string;
  offlinePayload: string;
  /**
   * True while the daemon holds as much as it should (points not yet durable): reading from the
   * broker pauses until it is false again, so a backlog waits in the broker's queue, not in our
   * memory. The receive maximum alone would let 65,535 batches of readings in at once.
   */
  saturated?: (() => boolean) | undefined;
}

/** Returns a promise when the message must be acknowledged only after it settles. */
export type MessageHandler = (topic: string, payload: Buffer) => Promise<unknown> | undefined;

/** Not an error: the value mqtt.js gets to withhold its own PUBACK (see the module comment). */
class DeferredAck extends Error {}
const DEFERRED = new DeferredAck('ack deferred until durable');

const BACKOFF_MIN = 500;
const BACKOFF_MAX = 30_000;

export class MqttConnection {
  private client: MqttClient | undefined;
  private readonly acks = new AckQueue(
    (ids, n) => this.sendAcks(ids, n),
    (err) => this.ackFailed(err),
  );
  private backoff = BACKOFF_MIN;
  private handler: MessageHandler = () => undefined;
  private connectedSince: number | null = null;
  private stopping = false;
  private paused: Timer | undefined;
  private readonly connectListeners = new Set<() => void>();
  /** Secondary subscriptions (commands, $SYS) and how many holders each has; renewed on every connect. */
  private readonly extra = new Map<string, number>();

  constructor(
    private readonly opts: ConnectionOptions,
    private readonly deps: { logger: Logger; clock: Clock },
  ) {}

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** Number of messages received and not yet acknowledged. */
  get unacked(): number {
    return this.acks.size;
  }

  onMessage(handler: MessageHandler): void {
    this.handler = handler;
  }

  onConnect(fn: () => void): () => void {
    this.connectListeners.add(fn);
    return () => this.connectListeners.delete(fn);
  }

  /** Connects; resolves on the first CONNACK or rejects after `timeoutMs`. Reconnects for ever after. */
  async start(timeoutMs = 15_000): Promise<void> {
    const o = this.opts;
    const options: IClientOptions = {
      clientId: o.clientId,
      clean: false,
      protocolVersion: o.protocolVersion,
      reconnectPeriod: BACKOFF_MIN,
      connectTimeout: 10_000,
      keepalive: 30,
      resubscribe: false,
      // A refused CONNECT (broker restarting, credentials being rotated) is retried with backoff
      // like a lost connection: a monitor must not give up.
      reconnectOnConnackError: true,
      will: { topic: o.statusTopic, payload: Buffer.from(o.offlinePayload), qos: 1, retain: true },
      // mqtt.js logs through `debug` about ten times per packet; even disabled, those calls cost
      // more than a PUBACK. DEBUG=mqttjs* still turns them on.
      ...(/mqttjs/.test(process.env.DEBUG ?? '') ? {} : { log: () => undefined }),
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
      ...(o.protocolVersion === 5
        ? { properties: { sessionExpiryInterval: 0xffffffff, receiveMaximum: o.receiveMaximum } }
        : {}),
    };
    const client = mqtt.connect(o.url, options);
    this.client = client;
    client.handleMessage = (packet, callback) => this.receive(packet, callback);
    client.on('connect', (connack) => this.connected_(connack.sessionPresent));
    client.on('close', () => {
      if (this.connectedSince !== null && !this.stopping) this.deps.logger.warn({ url: o.url }, 'MQTT connection lost');
      this.connectedSince = null;
      this.acks.reset();
      // The next connection is a new socket, reading.
      this.paused?.cancel();
      this.paused = undefined;
      // Exponential backoff with full jitter, so a fleet of daemons does not reconnect in step.
      client.options.reconnectPeriod = BACKOFF_MIN + randomInt(0, this.backoff);
      this.backoff = Math.min(BACKOFF_MAX, this.backoff * 2);
    });
    client.on('error', (err) => {
      const code = (err as { code?: unknown }).code;
      // A broker without MQTT 5 refuses the CONNECT (3.1.1 return code 1, MQTT 5 reason 0x84):
      // fall back to 3.1.1 rather than retrying for ever. Flow control then rests on the broker's
      // in-flight window (docs/broker.md).
      if (client.options.protocolVersion === 5 && (code === 1 || code === 0x84)) {
        this.deps.logger.warn({ url: o.url }, 'the broker does not speak MQTT 5; using MQTT 3.1.1');
        client.options.protocolVersion = 4;
        delete client.options.properties;
        return;
      }
      this.deps.logger.error({ err: err.message, url: o.url }, 'MQTT error');
    });
    await new Promise<void>((resolve, reject) => {
      const timer = this.deps.clock.setTimeout(
        () => reject(new Error(`MQTT broker ${o.url} not reachable within ${timeoutMs} ms`)),
        timeoutMs,
      );
      client.once('connect', () => {
        timer.cancel();
        resolve();
      });
    });
  }

  private connected_(sessionPresent: boolean): void {
    const client = this.client as MqttClient;
    // mqtt.js leaves Nagle's algorithm on: a retained alarm record written while PUBACKs are in
    // flight would wait for the broker's (delayed) TCP ACK, tens of milliseconds. Small writes
    // here are meant to go now; PUBACKs are already batched into one write per flush.
    (client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
    this.connectedSince = this.deps.clock.now();
    this.backoff = BACKOFF_MIN;
    client.options.reconnectPeriod = BACKOFF_MIN;
    this.deps.logger.info({ url: this.opts.url, sessionPresent }, 'MQTT connected');
    // Resubscribe on every connect: a broker that lost our session (restart without persistence,
    // expiry) would otherwise leave us connected and deaf.
    const filters = [...this.opts.filters, ...this.extra.keys()];
    client.subscribe(Object.fromEntries(filters.map((f) => [f, { qos: 1 as const }])), (err, granted) => {
      if (err) this.deps.logger.error({ err: err.message }, 'MQTT subscribe failed');
      else if (granted?.some((g) => g.qos > 2))
        this.deps.logger.error({ granted }, 'the broker refused a subscription (check its ACLs)');
    });
    this.publish(this.opts.statusTopic, this.opts.onlinePayload(), { retain: true, qos: 1 }).catch((err) =>
      this.deps.logger.error({ err: (err as Error).message }, 'publishing the online status failed'),
    );
    for (const fn of this.connectListeners) fn();
  }

  /**
   * Change the telemetry filters (a partition gained or lost sites): subscribe the new ones now,
   * unsubscribe those gone; every later connect uses the new list.
   */
  setFilters(filters: string[]): void {
    const before = new Set(this.opts.filters);
    const after = new Set(filters);
    this.opts.filters = [...after];
    const client = this.client;
    if (!client?.connected) return;
    const added = [...after].filter((f) => !before.has(f));
    const removed = [...before].filter((f) => !after.has(f) && !this.extra.has(f));
    if (added.length)
      client.subscribe(Object.fromEntries(added.map((f) => [f, { qos: 1 as const }])), (err) => {
        if (err) this.deps.logger.error({ err: err.message }, 'MQTT subscribe failed');
      });
    if (removed.length) client.unsubscribe(removed);
  }

  /** Messages received since start (QoS 0 and 1). */
  received = 0;

  private receive(packet: IPublishPacket, callback: (err?: Error) => void): void {
    this.received++;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    let pending: Promise<unknown> | undefined;
    try {
      pending = this.handler(packet.topic, payload);
    } catch (err) {
      this.deps.logger.error({ err, topic: packet.topic }, 'message handler threw');
    }
    if (packet.qos === 0 || packet.messageId === undefined) {
      callback();
      return;
    }
    // mqtt.js must not send its own PUBACK: this module sends it once the message is durable.
    callback(DEFERRED);
    this.acks.track(packet.messageId, pending);
    if (this.opts.saturated?.()) this.pause();
  }

  /** Stops reading the socket until the daemon is no longer saturated (checked every 5 ms). */
  private pause(): void {
    const stream = this.client?.stream;
    if (!stream) return;
    // A piped stream may be resumed by its pipe when the parser drains: pause again each time.
    stream.pause();
    if (this.paused) return;
    this.paused = this.deps.clock.setInterval(() => {
      if (this.opts.saturated?.()) return;
      this.paused?.cancel();
      this.paused = undefined;
      this.client?.stream?.resume();
    }, 5);
  }

  /** Writes the PUBACKs the queue releases, as one write on the current connection. */
  private sendAcks(ids: Uint16Array, n: number): void {
    const client = this.client;
    // mqtt.js has no public API for a deferred PUBACK; its own `_sendPacket` builds one write
    // per packet, which at tens of thousands of messages a second costs more than the rest of
    // the path. The stream is the connection the messages came on: a new one resets the queue.
    if (!client?.connected || !client.stream || client.stream.destroyed) return;
    client.stream.write(encodePubacks(ids, n));
  }

  /** A message could not be made durable: never acknowledge it; drop the connection for redelivery. */
  private ackFailed(err: unknown): void {
    this.deps.logger.error({ err }, 'message not durable; reconnecting for redelivery');
    this.client?.stream?.destroy();
  }

  publish(topic: string, payload: string | Buffer, opts: { retain?: boolean; qos?: 0 | 1 } = {}): Promise<void> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('MQTT not started'));
    return new Promise((resolve, reject) =>
      client.publish(topic, payload, { qos: opts.qos ?? 1, retain: opts.retain ?? false }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }

  subscribe(filter: string, handler: (topic: string, payload: Buffer, retain: boolean) => void): () => void {
    const client = this.client as MqttClient;
    // Every telemetry message passes these listeners too: a prefix compare turns them away cheaply.
    const literal = /^[^+#]*/.exec(filter)?.[0] ?? '';
    const listener = (topic: string, payload: Buffer, packet: IPublishPacket) => {
      if (topic.startsWith(literal) && topicMatches(filter, topic)) handler(topic, payload, packet.retain === true);
    };
    client.on('message', listener);
    this.extra.set(filter, (this.extra.get(filter) ?? 0) + 1);
    client.subscribe(filter, { qos: 1 });
    return () => {
      client.off('message', listener);
      const holders = (this.extra.get(filter) ?? 1) - 1;
      if (holders > 0) this.extra.set(filter, holders);
      else if (this.extra.delete(filter)) client.unsubscribe(filter);
    };
  }

  /**
   * The retained messages under `filter`, read on a separate short-lived clean session: reading
   * them on our own persistent session would also deliver echoes of our publishes and leave the
   * filter in the session.
   */
  async readRetained(filter: string, settleMs: number): Promise<Map<string, Buffer>> {
    const o = this.opts;
    const found = new Map<string, Buffer>();
    const side = mqtt.connect(o.url, {
      clientId: `${o.clientId}-sync-${randomInt(0, 1e9)}`,
      clean: true,
      protocolVersion: o.protocolVersion,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
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

  /** Publish offline, then disconnect cleanly (the Will is not sent on a clean disconnect). */
  async stop(): Promise<void> {
    this.stopping = true;
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      try {
        await Promise.race([
          this.publish(this.opts.statusTopic, this.opts.offlinePayload, { retain: true, qos: 1 }),
          new Promise((r) => setTimeout(r, 2000)),
        ]);
      } catch {
        // going down anyway
      }
    }
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
  }
}
