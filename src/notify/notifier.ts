/**
 * The notify room's face to the composition root (SPEC §9): alarm events in, messages out through
 * a delivery queue per channel, escalation along each site's chain, and the daily report job.
 * `onEvent` runs on the reading path (the engine's sink): it only renders and enqueues.
 *
 * Without a `notify` section nothing leaves the machine, but escalation still runs: `escalated`
 * events go out on MQTT (`gaswatch/events`, the always-on channel) and show on the console.
 */
import type { Counter } from 'prom-client';
import { Notify, type NotifyConfig } from '../config/schema.js';
import type { AlarmNotices, SystemAlarms } from '../domain/ports.js';
import type { SiteDef } from '../domain/sensor.js';
import type { AlarmBatch, AlarmEvent } from '../domain/types.js';
import { DEFAULT_LOCALE, type Locale } from '../i18n/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { unreachablePeople } from './chain.js';
import { ESCALATION_NOTICE, type EscalationAlarms, Escalator } from './escalation.js';
import { alarmNotification, type EscalationInfo, type Notification, type RenderOptions } from './message.js';
import { type Notice, Outbox } from './outbox.js';
import { ChannelQueues, same } from './queues.js';
import { buildDailyReport, type DailyReport, type ReportSource, reportNotification } from './report.js';
import { ReportSchedule } from './report-schedule.js';
import { routeEvent } from './router.js';

/** What the notifier reads of the alarms (standing ones, journal, sensors) for escalation and reports. */
export interface NotifyAlarms extends EscalationAlarms, ReportSource {}

export interface NotifierDeps {
  clock: Clock;
  logger: Logger;
  alarms: NotifyAlarms;
  /** Where deliveries and escalations are recorded as `notified`/`escalated` events. */
  notices: AlarmNotices;
  /** A failing channel raises `_gaswatch/notify-<channel>/system`. */
  systemAlarms: SystemAlarms;
  sites: () => ReadonlyMap<string, SiteDef>;
  /** gaswatch_notifications_total{channel, result}. */
  counter?: Counter<'channel' | 'result'> | undefined;
  random?: () => number;
  /**
   * The main file's `locale` and `timezone`, read when a message is rendered (both apply live).
   * Default: English, the machine's zone.
   */
  settings?: () => { locale: Locale; timezone: string | undefined };
  /** Where the messages still waiting at a stop are kept for the next start (outbox.ts); none: lost. */
  stateDir?: string | undefined;
}

/** No `notify` section: no channels, and the people's own webhooks are not called either. */
export const ABSENT_NOTIFY: NotifyConfig = Notify.parse({ escalation: { personalWebhooks: false } });

export class Notifier {
  private config: NotifyConfig;
  private readonly queues: ChannelQueues;
  private readonly escalator: Escalator;
  private readonly reports: ReportSchedule;
  /** Channels the escalation used for the event being handled: routes skip them (one message per group). */
  private usedByEscalation: Set<string> | undefined;

  constructor(
    config: NotifyConfig | undefined,
    private readonly deps: NotifierDeps,
  ) {
    this.config = config ?? ABSENT_NOTIFY;
    this.queues = new ChannelQueues(this.config, {
      clock: deps.clock,
      logger: deps.logger,
      systemAlarms: deps.systemAlarms,
      counter: deps.counter,
      random: deps.random,
      locale: () => this.settings().locale,
      onDelivered: (n) => this.deps.notices.record(n.alarm, 'notified', n.to, n.detail),
      outbox: deps.stateDir ? new Outbox(deps.stateDir, deps.logger) : undefined,
      sites: deps.sites,
    });
    this.escalator = new Escalator(
      {
        clock: deps.clock,
        logger: deps.logger.child({ part: 'escalation' }),
        // A message to a person still waiting in a queue (restored from the outbox) counts as
        // reaching them: a resumed chain must not send them a second one.
        alarms: {
          list: () => deps.alarms.list(),
          history: (q) => [...this.waitingNotices(), ...deps.alarms.history(q)],
        },
        notices: deps.notices,
        sites: deps.sites,
        contact: (site, index, event, info) => this.contact(site, index, event, info),
        locale: () => this.settings().locale,
      },
      this.config.escalation.priorities,
    );
    this.reports = new ReportSchedule(() => this.sendDailyReport(), deps.logger.child({ part: 'jobs' }));
  }

  /** With a state directory, resolves once the messages waiting at the last stop are queued again. */
  start(): Promise<void> | undefined {
    const restoring = this.queues.start();
    const rest = () => {
      this.checkReach();
      this.escalator.start();
      this.reports.set(this.config.dailyReport, this.reportZone());
    };
    if (!restoring) {
      rest();
      return undefined;
    }
    return restoring.then(rest);
  }

  /** Resolves once what was still waiting is saved (with a state directory). */
  stop(): Promise<void> {
    this.escalator.stop();
    this.reports.stop();
    return this.queues.stop();
  }

  /** A batch from the alarm stream. */
  onAlarms(batch: AlarmBatch): void {
    for (const e of batch.events) this.onEvent(e);
  }

  /** An alarm event. Renders and enqueues only; never throws. */
  onEvent(e: AlarmEvent): void {
    // What notification itself recorded is never notified again: no loop notify → alarms → notify.
    if (e.type === 'notified') return;
    try {
      this.usedByEscalation = new Set();
      this.escalator.onEvent(e);
      const skip = this.usedByEscalation;
      this.usedByEscalation = undefined;
      // The escalation message already addressed these groups about this escalation.
      if (e.type === 'escalated') for (const c of this.config.escalation.channels) skip.add(c);
      // Rendered once per language the matching channels speak.
      const messages = new Map<Locale, ReturnType<typeof alarmNotification>>();
      for (const name of routeEvent(e, this.config.routes)) {
        const q = this.queues.get(name);
        if (!q || skip.has(name)) continue;
        const locale = this.localeOf(name);
        let message = messages.get(locale);
        if (!message) {
          message = alarmNotification(e, this.renderOptions(e.alarm.site, locale));
          messages.set(locale, message);
        }
        q.enqueue(message, { alarm: e.alarm.id, to: name, detail: `${e.type} via ${name}` });
      }
    } catch (err) {
      this.usedByEscalation = undefined;
      this.deps.logger.error({ err, alarm: e.alarm.id, type: e.type }, 'notification routing failed');
    }
  }

  /** Build the daily report now and queue it for its channels. */
  sendDailyReport(now = this.deps.clock.now()): DailyReport {
    const report = buildDailyReport(this.deps.alarms, this.deps.sites(), now);
    const cfg = this.config.dailyReport;
    const timezone = cfg?.timezone ?? this.config.timezone ?? this.settings().timezone;
    const messages = new Map<Locale, ReturnType<typeof reportNotification>>();
    for (const name of cfg?.channels ?? []) {
      const locale = this.localeOf(name);
      let message = messages.get(locale);
      if (!message) {
        message = reportNotification(report, timezone, locale);
        messages.set(locale, message);
      }
      this.queues.get(name)?.enqueue(message);
    }
    return report;
  }

  /**
   * A reloaded `notify` (validate-then-swap already done by the loader). Channels whose config is
   * unchanged keep their queue untouched; a changed one keeps its waiting messages and sends them
   * the new way; a removed one is stopped.
   */
  applyConfig(next: NotifyConfig | undefined): void {
    const cfg = next ?? ABSENT_NOTIFY;
    if (same(cfg, this.config)) return;
    this.config = cfg;
    this.queues.applyConfig(cfg);
    this.escalator.setPriorities(cfg.escalation.priorities);
    this.reports.set(cfg.dailyReport, this.reportZone());
    this.checkReach();
  }

  /** Queue sizes and drops, for tests and diagnostics. */
  queueStats(): { channel: string; waiting: number; dropped: number }[] {
    return this.queues.stats();
  }

  /** Alarms climbing a chain now, with the index of the last person contacted. */
  escalating(): Map<string, number> {
    return this.escalator.active();
  }

  /** The main file's `timezone` may have changed (a reload): the report's schedule follows it. */
  settingsChanged(): void {
    this.reports.set(this.config.dailyReport, this.reportZone());
  }

  // ------------------------------------------------------------------ internals

  /** Messages of the escalation still waiting, as the `notified` events their delivery will record. */
  private waitingNotices(): AlarmEvent[] {
    return this.queues.pendingNotices().map(({ notice, enqueuedAt }) => ({
      type: 'notified',
      at: new Date(enqueuedAt).toISOString(),
      alarm: { id: notice.alarm } as AlarmEvent['alarm'],
      operator: notice.to,
      comment: notice.detail,
    }));
  }

  private settings(): { locale: Locale; timezone: string | undefined } {
    return this.deps.settings?.() ?? { locale: DEFAULT_LOCALE, timezone: undefined };
  }

  /** The language a channel speaks: its own `locale`, else the config's. */
  private localeOf(channel: string): Locale {
    return this.config.channels.find((c) => c.name === channel)?.locale ?? this.settings().locale;
  }

  private contact(site: SiteDef, index: number, event: AlarmEvent, info: EscalationInfo): number {
    const what = `${ESCALATION_NOTICE} ${index + 1}/${info.of}${info.reason === 'reminder' ? ' reminder' : ''}`;
    const noted = (via: string): Notice => ({ alarm: event.alarm.id, to: info.to.name, detail: `${what} via ${via}` });
    return this.reach(site, index, (opts) => alarmNotification(event, opts, info), noted);
  }

  /**
   * Send a message to person `index` of the site's chain on the escalation's paths — the escalation
   * channels that reach them and their own webhook (also hazard-notices.ts). `render` is called once
   * per language the paths speak.
   */
  reach(
    site: SiteDef,
    index: number,
    render: (opts: RenderOptions) => Notification,
    noted?: (via: string) => Notice,
  ): number {
    const person = site.responsible[index];
    if (!person) return 0;
    const messages = new Map<Locale, Notification>();
    const inLocale = (locale: Locale) => {
      let m = messages.get(locale);
      if (!m) {
        m = render(this.renderOptions(site.id, locale));
        messages.set(locale, m);
      }
      return m;
    };
    let paths = 0;
    for (const name of this.config.escalation.channels) {
      const q = this.queues.get(name);
      if (!q?.channel.reaches(person)) continue;
      q.enqueue(inLocale(this.localeOf(name)), noted?.(name));
      this.usedByEscalation?.add(name);
      paths++;
    }
    if (!this.config.escalation.personalWebhooks || !person.webhook) return paths;
    this.queues
      .personalQueue(site, index, person.webhook)
      .enqueue(inLocale(this.settings().locale), noted?.('their webhook'));
    return paths + 1;
  }

  /** Times in the site's zone, then notify's, then the main file's (SPEC §8: dates in the site's time zone). */
  renderOptions(siteId: string, locale: Locale): RenderOptions {
    const site = this.deps.sites().get(siteId);
    return {
      siteName: site?.name ?? siteId,
      timezone: site?.timezone ?? this.config.timezone ?? this.settings().timezone,
      consoleUrl: this.config.consoleUrl,
      locale,
    };
  }

  private reportZone(): string | undefined {
    return this.config.timezone ?? this.settings().timezone;
  }

  /** Say once, at start and reload, which people of the chains no channel reaches. */
  private checkReach(): void {
    const unreachable = unreachablePeople(
      this.deps.sites().values(),
      (p) =>
        this.config.escalation.channels.some((n) => this.queues.get(n)?.channel.reaches(p)) ||
        (this.config.escalation.personalWebhooks && p.webhook !== undefined),
    );
    if (unreachable.length === 0) return;
    this.deps.logger.warn(
      { count: unreachable.length, people: unreachable.slice(0, 20) },
      this.config === ABSENT_NOTIFY
        ? 'notify is not configured: escalations go out on MQTT and the console only'
        : `${unreachable.length} people of the escalation chains are reached by no channel; their step passes on MQTT and the console only`,
    );
  }
}
