/**
 * The delivery queues of the notify room (SPEC §9): one per configured channel and one per person's
 * own webhook, each retrying with backoff (delivery.ts). A failing queue is an alarm of gaswatch
 * itself — people may not be getting called — raised as `_gaswatch/notify-<name>/system`. With an
 * outbox (outbox.ts) what waits survives a stop: saved on every change, queued again at the next start.
 */
import type { Counter } from 'prom-client';
import type { NotifyChannelConfig, NotifyConfig } from '../config/schema.js';
import type { SystemAlarms } from '../domain/ports.js';
import type { SiteDef } from '../domain/sensor.js';
import { type Locale, translator } from '../i18n/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { channelForUrl, createChannel } from './channel.js';
import { DeliveryQueue, type Job } from './delivery.js';
import type { Notice, Outbox, SavedJob } from './outbox.js';

export interface QueuesDeps {
  clock: Clock;
  logger: Logger;
  systemAlarms: SystemAlarms;
  /** gaswatch_notifications_total{channel, result}. */
  counter?: Counter<'channel' | 'result'> | undefined;
  random?: (() => number) | undefined;
  /** The language of the system alarms' messages. */
  locale: () => Locale;
  /** A message with a notice was delivered (the notifier records a `notified` event). */
  onDelivered?: ((notice: Notice) => void) | undefined;
  /** Where waiting messages are kept across a stop (outbox.ts); none: they are lost at a stop. */
  outbox?: Outbox | undefined;
  /** The sites, for the people's own webhooks of restored messages. */
  sites?: (() => ReadonlyMap<string, SiteDef>) | undefined;
}

type Describe = (t: ReturnType<typeof translator>) => string;

export class ChannelQueues {
  private queues = new Map<string, DeliveryQueue>();
  /** Queues of people's own webhooks, by URL, with whom they reach. */
  private readonly personal = new Map<string, { q: DeliveryQueue; site: string; index: number }>();
  private started = false;

  constructor(
    private config: NotifyConfig,
    private readonly deps: QueuesDeps,
  ) {}

  /** Creates the queues; with an outbox, resolves once the messages saved at the last stop are queued again. */
  start(): Promise<void> | undefined {
    for (const c of this.config.channels) this.queues.set(c.name, this.newQueue(c));
    this.started = true;
    const outbox = this.deps.outbox;
    return outbox ? outbox.load().then((jobs) => this.restore(jobs)) : undefined;
  }

  /** Stops every queue; what was still waiting is saved in the outbox (or, without one, logged as lost). */
  async stop(): Promise<void> {
    const saved = this.saved();
    this.started = false;
    for (const q of this.all()) {
      const left = q.stop();
      if (left)
        this.deps.logger.warn(
          { channel: q.channel.name, left },
          this.deps.outbox
            ? `${left} notifications not sent at stop; kept for the next start`
            : `${left} notifications not sent at stop`,
        );
    }
    if (!this.deps.outbox) return;
    await this.deps.outbox.save(() => saved);
    await this.deps.outbox.flush();
  }

  /** The messages waiting now, as the outbox keeps them. */
  saved(): SavedJob[] {
    const out: SavedJob[] = [];
    for (const [name, q] of this.queues)
      for (const j of q.waiting())
        out.push({ channel: name, n: j.n, notice: j.notice, enqueuedAt: j.enqueuedAt, attempts: j.attempts });
    for (const [url, p] of this.personal)
      for (const j of p.q.waiting())
        out.push({
          channel: p.q.channel.name,
          personal: { site: p.site, index: p.index, url },
          n: j.n,
          notice: j.notice,
          enqueuedAt: j.enqueuedAt,
          attempts: j.attempts,
        });
    return out;
  }

  /** Notices of messages still waiting (not yet delivered, so not yet recorded as `notified`). */
  pendingNotices(): { notice: Notice; enqueuedAt: number }[] {
    return this.saved().flatMap((j) => (j.notice ? [{ notice: j.notice, enqueuedAt: j.enqueuedAt }] : []));
  }

  get(name: string): DeliveryQueue | undefined {
    return this.queues.get(name);
  }

  /** The queue of a person's own webhook (site file `responsible[].webhook`). */
  personalQueue(site: SiteDef, index: number, url: string): DeliveryQueue {
    let q = this.personal.get(url)?.q;
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
          onDelivered: this.deps.onDelivered,
          onChange: () => this.changed(),
        },
      );
      this.personal.set(url, { q, site: site.id, index });
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
    for (const p of this.personal.values()) p.q.configure(cfg.retry, cfg.maxQueue);
  }

  /** Queue sizes and drops, for tests and diagnostics. */
  stats(): { channel: string; waiting: number; dropped: number }[] {
    return this.all().map((q) => ({ channel: q.channel.name, waiting: q.size, dropped: q.droppedCount }));
  }

  private all(): DeliveryQueue[] {
    return [...this.queues.values(), ...[...this.personal.values()].map((p) => p.q)];
  }

  /** Put the messages of the last stop back in their queues; those of channels gone are given up. */
  private restore(jobs: readonly SavedJob[]): void {
    if (!this.started || jobs.length === 0) return;
    const byQueue = new Map<DeliveryQueue, Job[]>();
    let gone = 0;
    for (const j of jobs) {
      const site = j.personal ? this.deps.sites?.().get(j.personal.site) : undefined;
      const q = j.personal
        ? site && this.config.escalation.personalWebhooks
          ? this.personalQueue(site, j.personal.index, j.personal.url)
          : undefined
        : this.queues.get(j.channel);
      if (!q) {
        gone++;
        continue;
      }
      const list = byQueue.get(q) ?? [];
      if (list.length === 0) byQueue.set(q, list);
      list.push({ n: j.n, notice: j.notice, enqueuedAt: j.enqueuedAt, attempts: j.attempts });
    }
    for (const [q, list] of byQueue) q.restore(list);
    this.deps.logger.info(
      { restored: jobs.length - gone, gone },
      `${jobs.length - gone} notifications waiting since the last stop queued again` +
        (gone ? `; ${gone} for channels no longer configured given up` : ''),
    );
  }

  private changed(): void {
    if (this.started) void this.deps.outbox?.save(() => this.saved());
  }

  private newQueue(c: NotifyChannelConfig): DeliveryQueue {
    return new DeliveryQueue(createChannel(c, { clock: this.deps.clock }), this.config.retry, this.config.maxQueue, {
      clock: this.deps.clock,
      logger: this.deps.logger,
      counter: this.deps.counter,
      onHealth: (failing, reason) =>
        this.health(c.name, (t) => t('message.notifyChannel', { name: c.name }), failing, reason),
      random: this.deps.random,
      onDelivered: this.deps.onDelivered,
      onChange: () => this.changed(),
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
