/**
 * A node's own view of its partition, on a connection of its own (client id `{clientId}-ha-{node}`,
 * clean session, no Will on the partition's status): the retained status `{prefix}/status/{instance}`
 * and the records and events the mirror keeps (mirror.ts). The active node watches too — it learns
 * from here that a higher term has taken its place even when its own connection cannot tell it.
 *
 * `sync()` makes the view complete: a marker published to the node's own sync topic comes back after
 * everything the broker had queued for this connection before it — the retained records on
 * (re)connect, and whatever the previous holder published before it was fenced off.
 *
 * The node's presence (`{prefix}/ha/{instance}/nodes/{node}`, retained, with a Will) says which role
 * each node has, so a missing standby is seen before it is needed.
 */
import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { MqttTls } from '../config/tls.js';
import { tlsOptions } from '../ingest/session.js';
import type { Logger } from '../util/logger.js';
import type { Mirror } from './mirror.js';
import { parseStatus, type Status } from './status.js';

export interface WatchOptions {
  url: string;
  /** The partition's client id: the watch's own is derived from it. */
  clientId: string;
  node: string;
  username?: string | undefined;
  password?: string | undefined;
  protocolVersion: 4 | 5;
  tls?: MqttTls | undefined;
  prefix: string;
  statusTopic: string;
  /** `{prefix}/ha/{instance}` (or `{prefix}/ha`): the nodes' presence and sync topics. */
  haTopic: string;
  mirror: Mirror;
  logger: Logger;
  /** The retained status read after a (re)connect (undefined: there is none). */
  onSynced: (status: Status | undefined) => void;
  /** A status published while watching. */
  onStatus: (status: Status) => void;
  onLost: () => void;
  /** The other nodes' presence: each node's role (`standby`, `active`, …, `offline`). */
  onPeer: (node: string, role: string) => void;
  /** The node's presence record now (role, term). */
  presence: () => Record<string, unknown>;
}

export class HaWatch {
  private client: MqttClient | undefined;
  private synced = false;
  private latest: Status | undefined;
  private readonly waiting = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
  private stopping = false;
  /** Counts connections: what a previous one was still doing is not done on a later one. */
  private generation = 0;

  constructor(private readonly o: WatchOptions) {}

  get connected(): boolean {
    return this.client?.connected === true;
  }

  private get syncTopic(): string {
    return `${this.o.haTopic}/sync/${this.o.node}`;
  }

  private get presenceTopic(): string {
    return `${this.o.haTopic}/nodes/${this.o.node}`;
  }

  /** Starts connecting (and reconnecting for ever); does not wait for the broker. */
  start(): void {
    const o = this.o;
    const options: IClientOptions = {
      clientId: `${o.clientId}-ha-${o.node}`,
      clean: true,
      protocolVersion: o.protocolVersion,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      keepalive: 15,
      resubscribe: false,
      reconnectOnConnackError: true,
      will: {
        topic: this.presenceTopic,
        payload: Buffer.from(JSON.stringify({ node: o.node, role: 'offline' })),
        qos: 1,
        retain: true,
      },
      ...tlsOptions(o.tls),
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
    };
    const client = mqtt.connect(o.url, options);
    this.client = client;
    client.on('connect', () => void this.connected_());
    client.on('message', (topic, payload) => this.message(topic, payload));
    client.on('close', () => {
      this.generation++;
      for (const w of this.waiting.values()) w.reject(new Error('the watch connection closed'));
      this.waiting.clear();
      if (this.synced && !this.stopping) {
        o.logger.warn({ url: o.url }, 'hot standby: lost the watch on the partition status');
        this.synced = false;
        o.onLost();
      }
    });
    client.on('error', (err) => o.logger.error({ err: err.message }, 'hot standby: watch connection error'));
  }

  /**
   * Resolves once everything the broker queued for this connection before now has arrived (see
   * the module comment); rejects after `timeoutMs` or when the connection drops meanwhile.
   */
  sync(timeoutMs = 10_000): Promise<void> {
    const client = this.client;
    if (!client?.connected) return Promise.reject(new Error('the watch connection is down'));
    const nonce = randomBytes(8).toString('hex');
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(nonce);
        reject(new Error(`no answer from the broker within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(nonce, {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      client.publish(this.syncTopic, nonce, { qos: 1 }, (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.waiting.delete(nonce);
        reject(err);
      });
    });
  }

  /** Publish the partition's status (retained): the handover of a clean stop. */
  publishStatus(payload: string): Promise<void> {
    const client = this.client;
    if (!client?.connected) return Promise.reject(new Error('the watch connection is down'));
    return client.publishAsync(this.o.statusTopic, payload, { qos: 1, retain: true }).then(() => undefined);
  }

  /** Publish this node's presence (its role changed). */
  publishPresence(): void {
    const client = this.client;
    if (!client?.connected) return;
    const payload = JSON.stringify({ node: this.o.node, ...this.o.presence() });
    client.publish(this.presenceTopic, payload, { qos: 1, retain: true }, (err) => {
      if (err) this.o.logger.warn({ err: err.message }, 'hot standby: publishing the presence failed');
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const client = this.client;
    if (!client) return;
    if (client.connected)
      await Promise.race([
        client
          .publishAsync(this.presenceTopic, JSON.stringify({ node: this.o.node, role: 'stopped' }), {
            qos: 1,
            retain: true,
          })
          .catch(() => undefined),
        new Promise((r) => setTimeout(r, 2000)),
      ]);
    await client.endAsync(false).catch(() => undefined);
  }

  private async connected_(): Promise<void> {
    const client = this.client as MqttClient;
    const o = this.o;
    const generation = this.generation;
    this.latest = undefined;
    o.mirror.beginSync();
    try {
      const topics = [
        o.statusTopic,
        `${o.prefix}/alarms/#`,
        `${o.prefix}/hazards/#`,
        `${o.prefix}/events`,
        this.syncTopic,
      ];
      const granted = await client.subscribeAsync(Object.fromEntries(topics.map((t) => [t, { qos: 1 as const }])));
      if (granted.some((g) => g.qos > 2))
        o.logger.error({ granted }, 'hot standby: the broker refused a subscription of the watch (check its ACLs)');
      await this.sync();
    } catch (err) {
      if (generation !== this.generation) return; // that connection is gone already
      o.logger.warn({ err: (err as Error).message }, 'hot standby: reading the partition status failed; retrying');
      client.stream?.destroy();
      return;
    }
    if (generation !== this.generation) return;
    o.mirror.endSync();
    this.synced = true;
    o.logger.info({ status: this.latest ?? null }, 'hot standby: watching the partition status');
    this.publishPresence();
    o.onSynced(this.latest);
  }

  private message(topic: string, payload: Buffer): void {
    const o = this.o;
    if (topic === this.syncTopic) {
      const nonce = payload.toString('utf8');
      this.waiting.get(nonce)?.resolve();
      this.waiting.delete(nonce);
      return;
    }
    if (topic.startsWith(`${o.haTopic}/nodes/`)) {
      const node = topic.slice(o.haTopic.length + 7);
      if (node === o.node || payload.length === 0) return;
      try {
        const role = (JSON.parse(payload.toString('utf8')) as { role?: unknown }).role;
        if (typeof role === 'string') o.onPeer(node, role);
      } catch {
        // not a presence record
      }
      return;
    }
    if (topic === o.statusTopic) {
      const status = parseStatus(payload);
      if (!status) return;
      this.latest = status;
      if (this.synced) o.onStatus(status);
      return;
    }
    o.mirror.onMessage(topic, payload);
  }
}
