/**
 * The delivery queues of the notify room (SPEC §9): one per configured channel and one per person's
 * own webhook, each retrying with backoff (delivery.ts). A failing queue is an alarm of gaswatch
 * itself — people may not be getting called — raised as `_gaswatch/notify-<name>/system`.
 */
import type { Counter } from 'prom-client';
import type { NotifyChannelConfig, NotifyConfig } from '../config/schema.js';
import type { SystemAlarms } from '../domain/ports.js';
import type { SiteDef } from '../domain/sensor.js';
import { type Locale, translator } from '../i18n/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { channelForUrl, createChannel } from './channel.js';
import { DeliveryQueue } from './delivery.js';

export interface QueuesDeps {
  clock: Clock;
  logger: Logger;
  systemAlarms: SystemAlarms;
  /** gaswatch_notifications_total{channel, result}. */
  counter?: Counter<'channel' | 'result'> | undefined;
  random?: (() => number) | undefined;
  /** The language of the system alarms' messages. */
  locale: () => Locale;
}

type Describe = (t: ReturnType<typeof translator>) => string;

export class ChannelQueues {
  private queues = new Map<string, DeliveryQueue>();
  /** Queues of people's own webhooks, by URL. */
  private readonly personal = new Map<string, DeliveryQueue>();

  constructor(
    private config: NotifyConfig,
    private readonly deps: QueuesDeps,
  ) {}

  start(): void {
    for (const c of this.config.channels) this.queues.set(c.name, this.newQueue(c));
  }

  /** Stops every queue; logs what was still waiting. */
  stop(): void {
    for (const q of this.all()) {
      const left = q.stop();
      if (left) this.deps.logger.warn({ channel: q.channel.name, left }, `${left} notifications not sent at stop`);
    }
  }

  get(name: string): DeliveryQueue | undefined {
    return this.queues.get(name);
  }

  /** The queue of a person's own webhook (site file `responsible[].webhook`). */
  personalQueue(site: SiteDef, index: number, url: string): DeliveryQueue {
    let q = this.personal.get(url);
    if (!q) {
      const name = `${site.id}-responsible-${index + 1}`;
      const person = site.responsible[index]?.name;
      const who: Describe = (t) => t('message.notifyPersonal', { name: person, site: site.id });
      q = new DeliveryQueue(
        channelForUrl(name, url, { clock: this.deps.clock }),
        this.config.retry,
        this.config.maxQueue,
        {
          clock: this.deps.clock,
          logger: this.deps.logger,
          counter: this.deps.counter,
          // One label for all of them: a label per person would grow with the fleet.
          label: 'responsible-webhook',
          onHealth: (failing, reason) => this.health(name, who, failing, reason),
          random: this.deps.random,
        },
      );
      this.personal.set(url, q);
    }
    return q;
  }

  /**
   * A reloaded `notify`. Channels whose config is unchanged keep their queue untouched; a changed
   * one keeps its waiting messages and sends them the new way; a removed one is stopped.
   */
  applyConfig(cfg: NotifyConfig): void {
    const old = this.config;
    this.config = cfg;
    const queues = new Map<string, DeliveryQueue>();
    for (const c of cfg.channels) {
      const q = this.queues.get(c.name);
      if (!q) {
        queues.set(c.name, this.newQueue(c));
        continue;
      }
      if (
        !same(
          c,
          old.channels.find((o) => o.name === c.name),
        )
      ) {
        const previous = q.channel;
        q.channel = createChannel(c, { clock: this.deps.clock });
        previous.close?.();
      }
      q.configure(cfg.retry, cfg.maxQueue);
      queues.set(c.name, q);
    }
    for (const [name, q] of this.queues)
      if (!queues.has(name)) {
        const left = q.stop();
        this.health(name, () => name, false, 'channel removed from the config');
        this.deps.logger.info({ channel: name, left }, `notify channel ${name} removed`);
      }
    this.queues = queues;
    for (const q of this.personal.values()) q.configure(cfg.retry, cfg.maxQueue);
  }

  /** Queue sizes and drops, for tests and diagnostics. */
  stats(): { channel: string; waiting: number; dropped: number }[] {
    return this.all().map((q) => ({ channel: q.channel.name, waiting: q.size, dropped: q.droppedCount }));
  }

  private all(): DeliveryQueue[] {
    return [...this.queues.values(), ...this.personal.values()];
  }

  private newQueue(c: NotifyChannelConfig): DeliveryQueue {
    return new DeliveryQueue(createChannel(c, { clock: this.deps.clock }), this.config.retry, this.config.maxQueue, {
      clock: this.deps.clock,
      logger: this.deps.logger,
      counter: this.deps.counter,
      onHealth: (failing, reason) =>
        this.health(c.name, (t) => t('message.notifyChannel', { name: c.name }), failing, reason),
      random: this.deps.random,
    });
  }

  private health(name: string, what: Describe, failing: boolean, reason: string): void {
    const t = translator(this.deps.locale());
    const message = t('message.notifyFailing', { what: what(t), reason });
    this.deps.systemAlarms.set(`notify-${name}`, failing, 'high', message);
  }
}

export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
