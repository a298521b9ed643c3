/**
 * Escalation along a site's `responsible` chain (SPEC §9), on the daemon's clock:
 *
 * | when                                              | then                                              |
 * | ------------------------------------------------- | ------------------------------------------------- |
 * | an alarm is raised (not shelved, not suppressed)  | contact person 1; due again after their escalateAfter |
 * | due, still active and unacknowledged              | `escalated` event to person k+1 and contact them  |
 * | due, and person k is the last of the chain        | `escalated` (a reminder) to the last person, again after their escalateAfter |
 * | cleared, unacknowledged                           | pause; raised again → carry on with the same schedule |
 * | acked, shelved, suppressed or closed              | stop                                              |
 * | unshelved / unsuppressed while active and unacked | start again from person 1                         |
 *
 * A cleared alarm pauses: the hazard is gone and the `cleared` event is routed; waking the next
 * person for it would only teach them to ignore the chain (EEMUA 191). If it is raised again
 * before anyone acknowledged it, the chain carries on where it was — a flapping alarm that nobody
 * answers still climbs.
 *
 * After a restart nothing is in memory: each standing alarm's place in the chain is derived from
 * its `raisedAt` and the chain, and the journal tells whether that person was already reached —
 * if not (the daemon was down when it fell due), they are contacted at once.
 */
import type { AlarmNotices } from '../domain/ports.js';
import type { SiteDef } from '../domain/sensor.js';
import type { AlarmEvent, AlarmRecord, Priority } from '../domain/types.js';
import { DEFAULT_LOCALE, formatMinutes, type Locale, translator } from '../i18n/index.js';
import type { Clock, Timer } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { chainPosition, isOurs, reached } from './chain.js';
import type { EscalationInfo } from './message.js';

/** What the escalation reads of the alarms: the standing ones and the journal. */
export interface EscalationAlarms {
  list(): AlarmRecord[];
  history(q: { limit?: number; site?: string; sensor?: string; type?: string; since?: number }): AlarmEvent[];
}

export interface EscalationDeps {
  clock: Clock;
  logger: Logger;
  alarms: EscalationAlarms;
  /** Where `escalated` events are recorded (the alarm room's narrow port). */
  notices: AlarmNotices;
  sites: () => ReadonlyMap<string, SiteDef>;
  /** Send `event` to person `index` of the site's chain; returns on how many paths it went out. */
  contact: (site: SiteDef, index: number, event: AlarmEvent, info: EscalationInfo) => number;
  /** Language of the reasons recorded with `escalated` events (the config's `locale`). */
  locale?: () => Locale;
}

interface Tracked {
  raisedAt: string;
  /** Index of the last person contacted. */
  step: number;
  /** When the next step falls due (daemon time). */
  dueAt: number;
  /** Undefined while paused: cleared but not acknowledged. */
  timer: Timer | undefined;
}

export { ESCALATION_NOTICE } from './chain.js';

export class Escalator {
  private readonly tracked = new Map<string, Tracked>();
  private stopped = false;

  constructor(
    private readonly deps: EscalationDeps,
    private priorities: readonly Priority[],
  ) {}

  private t() {
    return translator(this.deps.locale?.() ?? DEFAULT_LOCALE);
  }

  setPriorities(p: readonly Priority[]): void {
    this.priorities = p;
  }

  /**
   * Pick up every standing alarm where the chain says it should be now. Deferred to a microtask so
   * that the `escalated` events it may record go out after the caller has finished wiring (the
   * composition root starts the MQTT client right after, which queues them until connected).
   */
  start(): void {
    this.stopped = false;
    queueMicrotask(() => {
      if (this.stopped) return;
      const standing = this.deps.alarms.list().filter((r) => this.eligible(r) && !this.tracked.has(r.id));
      if (standing.length === 0) return;
      // One pass over the journal for all of them, not one per alarm: a flood can leave thousands.
      const notices = new Map<string, AlarmEvent[]>();
      for (const e of this.deps.alarms.history({ limit: Number.POSITIVE_INFINITY }))
        if (isOurs(e)) {
          const list = notices.get(e.alarm.id);
          if (list) list.push(e);
          else notices.set(e.alarm.id, [e]);
        }
      for (const r of standing) this.resume(r, notices.get(r.id) ?? []);
    });
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.tracked.values()) t.timer?.cancel();
    this.tracked.clear();
  }

  /** Alarms currently climbing a chain (not paused), with the index of the last person contacted. */
  active(): Map<string, number> {
    return new Map([...this.tracked].filter(([, t]) => t.timer).map(([id, t]) => [id, t.step]));
  }

  onEvent(e: AlarmEvent): void {
    if (this.stopped || e.type === 'notified' || e.type === 'escalated' || e.type === 'flood') return;
    const r = e.alarm;
    if (!this.eligible(r)) {
      const t = this.tracked.get(r.id);
      // Cleared but unacknowledged: pause, so that if it comes back still unacknowledged the chain
      // goes on from where it was instead of starting over at a person who did not answer.
      if (t && e.type === 'cleared' && r.state === 'cleared_unacked' && !r.shelved && !r.suppressed) {
        t.timer?.cancel();
        t.timer = undefined;
      } else this.cancel(r.id);
      return;
    }
    const paused = this.tracked.get(r.id);
    if (e.type === 'raised' && paused && !paused.timer) this.carryOn(r, e, paused);
    else if (e.type === 'raised' || e.type === 'unshelved' || e.type === 'unsuppressed') {
      if (e.type === 'raised') this.cancel(r.id);
      if (!this.tracked.has(r.id)) this.begin(r, e);
    } else if (!this.tracked.has(r.id)) {
      // Standing but not followed (its chain was empty at the raise, or the priority was excluded
      // and the config changed): resume where the chain says. Deferred so that the notice it may
      // record is not emitted inside the transition being fanned out.
      queueMicrotask(() => {
        if (this.stopped || this.tracked.has(r.id) || !this.eligible(r)) return;
        const since = Date.parse(r.raisedAt as string);
        const history = this.deps.alarms.history({ site: r.site, sensor: r.sensor, since, limit: 10_000 });
        this.resume(
          r,
          history.filter((e) => e.alarm.id === r.id && isOurs(e)),
        );
      });
    }
  }

  private eligible(r: AlarmRecord): boolean {
    if (r.state !== 'active_unacked' || r.shelved || r.suppressed || !r.raisedAt) return false;
    if (!this.priorities.includes(r.priority)) return false;
    return (this.deps.sites().get(r.site)?.responsible.length ?? 0) > 0;
  }

  private cancel(id: string): void {
    const t = this.tracked.get(id);
    if (!t) return;
    t.timer?.cancel();
    this.tracked.delete(id);
  }

  /**
   * Raised again without an acknowledgement since it cleared: tell the person who has it now, and
   * keep the original schedule — at once to the next person if their time already ran out.
   */
  private carryOn(r: AlarmRecord, event: AlarmEvent, t: Tracked): void {
    const site = this.deps.sites().get(r.site) as SiteDef;
    const step = Math.min(t.step, site.responsible.length - 1);
    t.raisedAt = r.raisedAt as string;
    this.contact(site, step, event, step === 0 ? 'first' : 'escalated', undefined);
    this.track(r, step, t.dueAt - this.deps.clock.now());
  }

  private begin(r: AlarmRecord, event: AlarmEvent): void {
    const site = this.deps.sites().get(r.site) as SiteDef;
    const first = site.responsible[0];
    if (!first) return;
    this.contact(site, 0, event, 'first', undefined);
    this.track(r, 0, first.escalateAfter);
  }

  private track(r: AlarmRecord, step: number, dueIn: number): void {
    const wait = Math.max(1, dueIn);
    const timer = this.deps.clock.setTimeout(() => this.due(r.id), wait);
    this.tracked.set(r.id, { raisedAt: r.raisedAt as string, step, dueAt: this.deps.clock.now() + wait, timer });
  }

  private due(id: string): void {
    const t = this.tracked.get(id);
    if (!t || this.stopped) return;
    this.tracked.delete(id);
    const r = this.deps.alarms.list().find((a) => a.id === id);
    // A re-raise would have restarted the chain through its own `raised` event.
    if (!r || !this.eligible(r) || r.raisedAt !== t.raisedAt) return;
    const site = this.deps.sites().get(r.site) as SiteDef;
    const chain = site.responsible;
    const from = Math.min(t.step, chain.length - 1);
    const prev = chain[from];
    if (!prev) return;
    const now = this.deps.clock.now();
    if (from + 1 < chain.length) {
      const next = chain[from + 1] as (typeof chain)[number];
      const tr = this.t();
      const why = tr('notify.escalation.whyNext', { name: prev.name, within: formatMinutes(tr, prev.escalateAfter) });
      if (!this.deps.notices.record(id, 'escalated', next.name, why)) return;
      const event: AlarmEvent = { type: 'escalated', at: new Date(now).toISOString(), alarm: r, operator: next.name };
      event.comment = why;
      this.contact(site, from + 1, event, 'escalated', prev);
      this.track(r, from + 1, next.escalateAfter);
    } else {
      // Recorded like an escalation, so the journal and MQTT show that the chain is still calling.
      const tr = this.t();
      const why = tr('notify.escalation.whyReminder', { since: formatMinutes(tr, now - Date.parse(t.raisedAt)) });
      if (!this.deps.notices.record(id, 'escalated', prev.name, why)) return;
      const event: AlarmEvent = { type: 'escalated', at: new Date(now).toISOString(), alarm: r, operator: prev.name };
      event.comment = why;
      this.contact(site, from, event, 'reminder', undefined);
      this.track(r, from, prev.escalateAfter);
    }
  }

  private contact(
    site: SiteDef,
    index: number,
    event: AlarmEvent,
    reason: EscalationInfo['reason'],
    previous: { name: string } | undefined,
  ): void {
    const p = site.responsible[index];
    if (!p) return;
    const raisedAt = Date.parse(event.alarm.raisedAt as string);
    const info: EscalationInfo = {
      to: { name: p.name, role: p.role, phone: p.phone, email: p.email },
      step: index,
      of: site.responsible.length,
      reason,
      unackedFor: Math.max(0, this.deps.clock.now() - raisedAt),
      previous: previous ? { name: previous.name } : undefined,
    };
    const paths = this.deps.contact(site, index, event, info);
    this.deps.logger.info(
      { alarm: event.alarm.id, to: p.name, step: index + 1, of: info.of, reason, paths },
      paths > 0
        ? `escalation: ${reason} ${p.name} for ${event.alarm.id}`
        : `escalation: no channel reaches ${p.name} for ${event.alarm.id}; MQTT and the console only`,
    );
  }

  /**
   * Take up a standing alarm nobody is following (start, or missed events): the person due now by
   * `raisedAt` and the chain; contacted at once unless the journal shows they already were.
   */
  private resume(r: AlarmRecord, notices: readonly AlarmEvent[]): void {
    const site = this.deps.sites().get(r.site);
    const chain = site?.responsible ?? [];
    if (!site || chain.length === 0) return;
    const now = this.deps.clock.now();
    const t0 = Date.parse(r.raisedAt as string);
    const elapsed = now - t0;
    const { index: k, nextAt } = chainPosition(chain, elapsed);
    if (reached(r, chain, notices) < k) {
      const person = chain[k] as (typeof chain)[number];
      const at = new Date(now).toISOString();
      let event: AlarmEvent = { type: 'raised', at: r.raisedAt as string, alarm: r };
      if (k > 0) {
        const prev = chain[k - 1] as (typeof chain)[number];
        const tr = this.t();
        const why = tr('notify.escalation.whyResumed', { since: formatMinutes(tr, elapsed) });
        if (!this.deps.notices.record(r.id, 'escalated', person.name, why)) return;
        event = { type: 'escalated', at, alarm: r, operator: person.name, comment: why };
        this.contact(site, k, event, 'escalated', prev);
      } else this.contact(site, 0, event, 'first', undefined);
    }
    this.track(r, k, t0 + nextAt - now);
  }
}
