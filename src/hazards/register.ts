/**
 * The hazard register (SPEC §11): every hidden hazard — opened by a rule or by hand — with its owner,
 * deadline and history, and the transactions that change them. Every change leaves through the
 * room's one output (a batch of events and changed records): the MQTT publisher, the disk, the
 * store and the notifier subscribe to it (STYLE habit 14).
 *
 * Inputs come from the streams (alarm batches, readings) and a timed pass, never from the alarm
 * engine itself; the rules are pure (rules.ts), the life of a hazard is a pure machine (machine.ts),
 * and so is the climb of an overdue hazard up the chain (overdue.ts). One live hazard per rule and
 * sensor: while one is open or rectified, the rule finding the same condition adds nothing.
 */
import type { HazardsConfig } from '../config/schema-hazards.js';
import type { HazardBatch, HazardCommandResult, HazardRecord, HazardSeverity, HazardState } from '../domain/hazards.js';
import type { SiteDef } from '../domain/sensor.js';
import type { AlarmBatch, Reading } from '../domain/types.js';
import { DEFAULT_LOCALE, type Locale, translator } from '../i18n/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { type HazardInput, step } from './machine.js';
import { type PassContext, runPass } from './pass.js';
import { emit, type HazardEntry, line, openHazard, ownerIn, type Tx } from './tx.js';
import { HazardWatch, type WatchState } from './watch.js';

export type { HazardEntry };

/** What the register keeps on disk (register-store.ts). */
export interface RegisterDoc {
  version: 1;
  /** The next hazard number per site. */
  next: Record<string, number>;
  hazards: HazardEntry[];
  /** Rule keys → when their last hazard was verified: counts start afresh after it. */
  closed: [string, number][];
  watch: WatchState;
}

export interface RegisterDeps {
  clock: Clock;
  logger: Logger;
  /** The register's one output; returns the promise of the durable subscribers (the disk). */
  out: (batch: HazardBatch) => Promise<void> | undefined;
  sites: () => ReadonlyMap<string, SiteDef>;
  /** Language of the descriptions and notes the register writes (config `locale`, read at each pass). */
  locale?: () => Locale;
  /** The main file's `timezone`: a site's times are written in its own zone, else this one, else the machine's. */
  timezone?: () => string | undefined;
}

export interface ManualHazard {
  site: string;
  sensor: string | null;
  severity: HazardSeverity;
  description: string;
}

const STATE_RANK: Record<HazardState, number> = { open: 0, rectified: 1, verified: 2 };
const SEVERITY_RANK: Record<HazardSeverity, number> = { major: 0, minor: 1 };

export class HazardRegister {
  private readonly entries = new Map<string, HazardEntry>();
  /** Live (open or rectified) hazards of the rules, by rule key. */
  private readonly live = new Map<string, HazardEntry>();
  private readonly closed = new Map<string, number>();
  private readonly next = new Map<string, number>();
  readonly watch = new HazardWatch();

  constructor(
    private cfg: HazardsConfig,
    private readonly deps: RegisterDeps,
  ) {}

  /** Install what was restored from disk (before the first pass). */
  restore(doc: RegisterDoc | undefined): void {
    if (!doc) return;
    for (const [site, n] of Object.entries(doc.next)) this.next.set(site, n);
    for (const e of doc.hazards) {
      this.entries.set(e.record.id, e);
      if (e.key && e.record.state !== 'verified') this.live.set(e.key, e);
    }
    for (const [key, at] of doc.closed) this.closed.set(key, at);
    this.watch.restore(doc.watch);
  }

  /** Rules, deadlines and escalation apply from the next pass; deadlines of open hazards stay. */
  applyConfig(cfg: HazardsConfig, sites: ReadonlyMap<string, SiteDef>): void {
    this.cfg = cfg;
    this.watch.configure(cfg.rules, sites);
  }

  onAlarms(batch: AlarmBatch): void {
    for (const e of batch.events) this.watch.onAlarmEvent(e);
  }

  onReading(r: Reading): void {
    this.watch.onReading(r, this.deps.clock.now());
  }

  /** The timed pass: rules, conditions that came or went, overdue hazards. Every second or so. */
  tick(): Promise<void> | undefined {
    const now = this.deps.clock.now();
    this.watch.prune(now);
    const ctx: PassContext = {
      cfg: this.cfg,
      watch: this.watch,
      live: this.live,
      entries: this.entries,
      after: (key) => this.after(key),
      open: (tx, o) => this.open(tx, now, o),
      chain: (site) => this.deps.sites().get(site)?.responsible ?? [],
      t: translator(this.deps.locale?.() ?? DEFAULT_LOCALE),
      zone: (site) => this.deps.sites().get(site)?.timezone ?? this.deps.timezone?.(),
    };
    const save = this.watch.dirty;
    this.watch.dirty = false;
    return this.transact((tx) => runPass(ctx, tx, now), save);
  }

  /** Live hazards (open, rectified) unless `states` says otherwise; overdue first, then major, then deadline. */
  list(filter: { states?: readonly HazardState[]; site?: string } = {}): HazardRecord[] {
    const states = filter.states ?? ['open', 'rectified'];
    const out: HazardRecord[] = [];
    for (const e of this.entries.values()) {
      const r = e.record;
      if (states.includes(r.state) && (filter.site === undefined || r.site === filter.site))
        out.push(structuredClone(r));
    }
    return out.sort(
      (a, b) =>
        Number(b.overdue) - Number(a.overdue) ||
        STATE_RANK[a.state] - STATE_RANK[b.state] ||
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        a.deadline.localeCompare(b.deadline) ||
        a.id.localeCompare(b.id, 'en', { numeric: true }),
    );
  }

  /** Register a hazard by hand (kind `manual`). */
  async register(h: ManualHazard, by: string): Promise<HazardCommandResult> {
    const site = this.deps.sites().get(h.site);
    if (!site) return { ok: false, code: 'not_found', message: `no site "${h.site}" in the config` };
    if (h.sensor !== null && !site.sensors.has(h.sensor))
      return { ok: false, code: 'not_found', message: `no sensor "${h.sensor}" in site ${h.site}` };
    let entry: HazardEntry | undefined;
    const now = this.deps.clock.now();
    await this.transact((tx) => {
      entry = this.open(tx, now, { ...h, kind: 'manual', key: null, alarm: null, by, note: null });
    });
    return { ok: true, hazard: structuredClone((entry as HazardEntry).record) };
  }

  rectify(id: string, by: string, note: string | null): Promise<HazardCommandResult> {
    return this.command(id, { type: 'rectify', by }, note);
  }

  verify(id: string, by: string, note: string | null): Promise<HazardCommandResult> {
    return this.command(id, { type: 'verify', by }, note);
  }

  reopen(id: string, by: string, note: string | null): Promise<HazardCommandResult> {
    return this.command(id, { type: 'reopen', by }, note);
  }

  /** Everything to persist. */
  snapshot(): RegisterDoc {
    return {
      version: 1,
      next: Object.fromEntries(this.next),
      hazards: [...this.entries.values()],
      closed: [...this.closed],
      watch: this.watch.save(),
    };
  }

  // ------------------------------------------------------------------ internals

  private async command(
    id: string,
    input: Exclude<HazardInput, { type: 'condition_returns' }>,
    note: string | null,
  ): Promise<HazardCommandResult> {
    const e = this.entries.get(id);
    if (!e) return { ok: false, code: 'not_found', message: `no hazard ${id}` };
    const res = step(
      { state: e.record.state, rectifiedBy: e.rectifiedBy, conditionPresent: e.record.condition === 'present' },
      input,
    );
    if (!res.ok) return res.refusal;
    const now = this.deps.clock.now();
    const { by } = input;
    await this.transact((tx) => {
      const r = e.record;
      r.state = res.next;
      if (input.type === 'rectify') {
        e.rectifiedBy = by;
        e.rectifiedAt = now;
        r.overdue = false;
        e.overdueSince = e.slot = null;
      } else if (input.type === 'reopen') e.rectifiedBy = e.rectifiedAt = null;
      else if (e.key) {
        this.closed.set(e.key, now);
        this.live.delete(e.key);
      }
      const action = input.type === 'rectify' ? 'rectified' : input.type === 'verify' ? 'verified' : 'reopened';
      line(tx, e, now, by, action, note);
      if (res.event)
        emit(
          tx,
          res.event,
          e,
          now,
          by,
          note,
          input.type === 'reopen' ? ownerIn(this.deps.sites().get(r.site)?.responsible ?? [], r.owner) : null,
        );
      if (input.type === 'verify') this.pruneVerified();
    });
    return { ok: true, hazard: structuredClone(e.record) };
  }

  private open(tx: Tx, now: number, o: Parameters<typeof openHazard>[3]): HazardEntry {
    const n = this.next.get(o.site) ?? 1;
    this.next.set(o.site, n + 1);
    const chain = this.deps.sites().get(o.site)?.responsible ?? [];
    const e = openHazard(tx, `${o.site}/H-${n}`, now, o, {
      owner: chain[0]?.name ?? null,
      deadline: now + this.cfg.deadlines[o.severity],
      to: chain[0] ? { name: chain[0].name, step: 0, of: chain.length } : null,
    });
    this.entries.set(e.record.id, e);
    if (e.key) this.live.set(e.key, e);
    return e;
  }

  /** Counts of a rule start after the live hazard's rectification, or the last verification. */
  private after(key: string): number {
    return this.live.get(key)?.rectifiedAt ?? this.closed.get(key) ?? Number.NEGATIVE_INFINITY;
  }

  private pruneVerified(): void {
    const verified = [...this.entries.values()].filter((e) => e.record.state === 'verified');
    if (verified.length <= this.cfg.keepVerified) return;
    verified.sort((a, b) => a.record.updatedAt.localeCompare(b.record.updatedAt));
    for (const e of verified.slice(0, verified.length - this.cfg.keepVerified)) this.entries.delete(e.record.id);
  }

  /** Run `fn` and hand what it changed to the output as one batch; `save`: hand an empty batch too. */
  private transact(fn: (tx: Tx) => void, save = false): Promise<void> | undefined {
    const tx: Tx = { events: [], changed: new Map() };
    fn(tx);
    if (tx.events.length === 0 && tx.changed.size === 0 && !save) return undefined;
    const changed = [...tx.changed.values()].map((e) => structuredClone(e.record));
    return this.deps.out({ events: tx.events, changed });
  }
}
