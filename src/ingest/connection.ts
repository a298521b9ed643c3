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
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { type Clock, settledWithin } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { AckQueue, encodePubacks } from './ack-queue.js';
import { Backpressure } from './backpressure.js';
import type { ConnectionOptions } from './connection-options.js';
import { fallBackTo311, persistentSessionOptions, readRetained } from './session.js';
import { topicMatches } from './topics.js';
import { type PublishOptions, WaitingPublishes } from './waiting-publishes.js';

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
  private readonly backpressure: Backpressure;
  private backoff = BACKOFF_MIN;
  private handler: MessageHandler = () => undefined;
  private connectedSince: number | null = null;
  private stopping = false;
  private readonly connectListeners = new Set<(info: { sessionPresent: boolean }) => void>();
  /** Secondary subscriptions (commands, $SYS) and how many holders each has; renewed on every connect. */
  private readonly extra = new Map<string, number>();
  /** Messages published before start() that wait for the client. */
  private readonly early = new WaitingPublishes();
  /** Settles a pending start() (stop() was called before the first CONNACK). */
  private cancelStart: ((err?: Error) => void) | undefined;

  constructor(
    private readonly opts: ConnectionOptions,
    private readonly deps: { logger: Logger; clock: Clock },
  ) {
    this.backpressure = new Backpressure(opts.saturated, deps.clock, () => this.client?.stream);
  }

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

  /** Called on every CONNACK; `sessionPresent`: the broker still had our session (SPEC §1). */
  onConnect(fn: (info: { sessionPresent: boolean }) => void): () => void {
    this.connectListeners.add(fn);
    return () => this.connectListeners.delete(fn);
  }

  /**
   * Connects; resolves on the first CONNACK, rejects after `timeoutMs` or when `stop()` is called
   * first. Reconnects for ever after.
   */
  async start(timeoutMs = 15_000): Promise<void> {
    const o = this.opts;
    const options = persistentSessionOptions(
      { ...o, will: { topic: o.statusTopic, payload: o.offlinePayload } },
      o.reconnect === false ? 0 : BACKOFF_MIN,
    );
    const client = mqtt.connect(o.url, options);
    this.client = client;
    this.early.release((topic, payload, opts) => this.publish(topic, payload, opts));
    client.handleMessage = (packet, callback) => this.receive(packet, callback);
    const onPublish = o.onPublish;
    if (onPublish) client.on('packetreceive', (p) => p.cmd === 'publish' && onPublish(p));
    client.on('connect', (connack) => this.connected_(connack.sessionPresent));
    let reasonCode: number | undefined;
    client.on('disconnect', (packet) => {
      reasonCode = packet.reasonCode;
    });
    client.on('close', () => {
      if (this.connectedSince !== null && !this.stopping) this.deps.logger.warn({ url: o.url }, 'MQTT connection lost');
      this.connectedSince = null;
      this.acks.reset();
      this.backpressure.reset();
      o.onClose?.(reasonCode);
      reasonCode = undefined;
      if (o.reconnect === false) return;
      // Exponential backoff with full jitter, so a fleet of daemons does not reconnect in step.
      client.options.reconnectPeriod = BACKOFF_MIN + randomInt(0, this.backoff);
      this.backoff = Math.min(BACKOFF_MAX, this.backoff * 2);
    });
    client.on('error', (err) => {
      if (fallBackTo311(client, err))
        this.deps.logger.warn({ url: o.url }, 'the broker does not speak MQTT 5; using MQTT 3.1.1');
      else this.deps.logger.error({ err: err.message, url: o.url }, 'MQTT error');
    });
    await new Promise<void>((resolve, reject) => {
      const settle = (err?: Error) => {
        timer.cancel();
        this.cancelStart = undefined;
        if (err) reject(err);
        else resolve();
      };
      const timer = this.deps.clock.setTimeout(
        () => settle(new Error(`MQTT broker ${o.url} not reachable within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.cancelStart = settle;
      client.once('connect', () => settle());
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
    this.subscribeAll(client, [...this.opts.filters, ...this.extra.keys()]);
    this.publish(this.opts.statusTopic, this.opts.onlinePayload(), { retain: true, qos: 1 }).catch((err) =>
      this.deps.logger.error({ err: (err as Error).message }, 'publishing the online status failed'),
    );
    for (const fn of this.connectListeners) fn({ sessionPresent });
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
    if (added.length) this.subscribeAll(client, added);
    if (removed.length) client.unsubscribe(removed);
  }

  /** QoS 1 subscriptions; a refusal (an ACL) is logged, never silent. */
  private subscribeAll(client: MqttClient, filters: string[]): void {
    client.subscribe(Object.fromEntries(filters.map((f) => [f, { qos: 1 as const }])), (err, granted) => {
      if (err) this.deps.logger.error({ err: err.message }, 'MQTT subscribe failed');
      else if (granted?.some((g) => g.qos > 2))
        this.deps.logger.error({ granted }, 'the broker refused a subscription (check its ACLs)');
    });
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
    this.backpressure.check();
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

  /** Publish; before `start()` the message waits for the client (waiting-publishes.ts). */
  publish(topic: string, payload: string | Buffer, opts: PublishOptions = {}): Promise<void> {
    const client = this.client;
    if (!client) return this.early.add(topic, payload, opts);
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

  /** The retained messages under `filter`, read on a side session (side-session.ts). */
  readRetained(filter: string, settleMs: number): Promise<Map<string, Buffer>> {
    return readRetained(this.opts, filter, settleMs);
  }

  /**
   * Publish offline, then disconnect cleanly (the Will is not sent on a clean disconnect). `force`:
   * drop the connection and whatever waits to be sent (a lost connection: nothing would ever ack it).
   */
  async stop(force = false): Promise<void> {
    this.stopping = true;
    this.cancelStart?.(new Error('MQTT stopped while connecting'));
    this.early.reject(new Error('MQTT stopped before it started'));
    const client = this.client;
    if (!client) return;
    const maySpeak = this.opts.statusOnStop?.() !== false;
    if (client.connected && maySpeak) {
      try {
        await Promise.race([
          this.publish(this.opts.statusTopic, this.opts.offlinePayload, { retain: true, qos: 1 }),
          new Promise((r) => setTimeout(r, 2000)),
        ]);
      } catch {
        // going down anyway
      }
    }
    // A gentle end waits for our QoS 1 publishes in flight: with no broker to take them, for ever.
    const end = (hard: boolean) => new Promise<void>((resolve) => client.end(hard, {}, () => resolve()));
    const hard = force || !maySpeak || !client.connected;
    if (!(await settledWithin(this.deps.clock, end(hard), 5000))) await end(true);
  }
}
