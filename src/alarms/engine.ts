/**
 * The alarm engine: per-sensor evaluation feeding the ISA-18.2 machine of every condition, the alarm
 * book, operator commands, stale detection, re-alarm, chattering and flood (SPEC §2–§3).
 *
 * All decisions read `clock.now()`; nothing here sleeps or does I/O directly. Events go out through
 * `sink` (MQTT, store, HTTP, notify are listeners of the composition root); the book is persisted
 * through `persist`, whose promise the ingest path awaits before it acknowledges a message.
 */
import type { SensorDef, SiteDef } from '../domain/sensor.js';
import { inMaintenance } from '../domain/sensor.js';
import {
  type AlarmEvent,
  type AlarmRecord,
  type AlarmState,
  alarmId,
  type Condition,
  type LevelCondition,
  type Priority,
  type Reading,
  type ReadingStatus,
  type SensorStatus,
} from '../domain/types.js';
import { type DelayedCondition, INACTIVE, levelZone, stepDelayed } from '../evaluate/level.js';
import { evaluateRoc, pushSample, type RocSample } from '../evaluate/roc.js';
import type { AlarmsApi, CommandResult, SensorSnapshot, SensorsApi } from '../http/ports.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { AlarmBook, type AlarmEntry, type HandleResult, type HistoryQuery, NOTHING } from './book.js';
import { conditionExists, conditionPriority, faultReason } from './conditions.js';
import { type Described, describeFault, describeLevel, describeRoc, describeStale } from './describe.js';
import { type AlarmHealth, FloodTracker, noteRaise, refreshChatter } from './health.js';
import { isStanding, step } from './machine.js';
import { TrendStore } from './trend.js';

interface SensorRuntime {
  /** `site/sensor`: the key of the book's per-sensor count. */
  key: string;
  site: string;
  sensor: string;
  def: SensorDef | undefined;
  /** Level conditions not plainly inactive; created on the first one (most sensors never need it). */
  levels: Map<LevelCondition, DelayedCondition> | undefined;
  roc: readonly RocSample[];
  lastValue: number | null;
  lastTs: number | null;
  lastStatus: ReadingStatus | null;
  /** Daemon time of the last valid reading; for a sensor never heard from, the start of its grace. */
  lastValidAt: number;
  heard: boolean;
  /** Handle in the engine's TrendStore; -1 until the first reading. */
  trend: number;
}

export interface EngineDeps {
  clock: Clock;
  logger: Logger;
  /** Receives every transition, in order. Must not throw (the bus logs listener failures). */
  sink: (events: AlarmEvent[]) => void;
  /** Persists the book and the events; resolves once durable. */
  persist: (book: AlarmEntry[], events: AlarmEvent[]) => Promise<void>;
  /** Published whenever a record changes (retained MQTT record). */
  onRecord?: (record: AlarmRecord) => void;
  startupGrace: number;
}

export type { AlarmEntry, HandleResult } from './book.js';

const CHATTER_WINDOW = 60_000;
/** The roc window of a sensor with none: shared, never mutated (pushSample returns a new array). */
const NO_SAMPLES: readonly RocSample[] = Object.freeze([]);
/** Undeclared sensors tracked for the sensor view at most. */
const MAX_UNCONFIGURED = 10_000;

export class AlarmEngine implements AlarmsApi {
  private sites = new Map<string, SiteDef>();
  /** Per site, per sensor: looked up with the config's own strings, no key built per reading. */
  private readonly runtimes = new Map<string, Map<string, SensorRuntime>>();
  private readonly book: AlarmBook;
  private readonly pendingDelays = new Set<SensorRuntime>();
  private readonly flood = new FloodTracker();
  private readonly trends = new TrendStore();
  private unconfigured = 0;

  constructor(private readonly deps: EngineDeps) {
    this.book = new AlarmBook({ sink: deps.sink, persist: deps.persist, onRecord: deps.onRecord });
  }

  // ------------------------------------------------------------------ config and restore

  /** Install the book restored from disk (before the first config). */
  restore(entries: AlarmEntry[], journal: AlarmEvent[]): void {
    this.book.restore(entries, journal);
  }

  /**
   * Apply a (new) config. Sensor state and alarm state are kept; alarms of sensors or conditions
   * that no longer exist are closed with an event.
   */
  applyConfig(sites: Map<string, SiteDef>): HandleResult {
    const now = this.deps.clock.now();
    return this.book.transact(() => {
      this.sites = sites;
      for (const site of sites.values())
        for (const def of site.sensors.values()) {
          const rt = this.runtime(def.site, def.id, now, true) as SensorRuntime;
          // A window of values in the old unit would fake a rate of change.
          if (rt.def && rt.def.unit !== def.unit) rt.roc = NO_SAMPLES;
          rt.def = def;
          for (const c of rt.levels?.keys() ?? [])
            if (!def.setpoints.some((s) => s.condition === c)) rt.levels?.delete(c);
          this.seedConditions(rt);
        }
      for (const rt of this.eachRuntime())
        if (rt.def && !sites.get(rt.site)?.sensors.has(rt.sensor)) {
          rt.def = undefined;
          rt.levels = undefined;
          rt.roc = NO_SAMPLES;
        }
      for (const entry of [...this.book.values()]) {
        const { site, sensor, condition } = entry.record;
        if (condition === 'flood' || condition === 'system') continue;
        const def = this.sites.get(site)?.sensors.get(sensor);
        if (!def || !conditionExists(def, condition)) this.close(entry, now);
        else this.refreshSuppression(entry, def, now);
      }
    });
  }

  // ------------------------------------------------------------------ the hot path

  /** Evaluate one reading (value already in the sensor's unit). */
  handle(reading: Reading): HandleResult {
    const now = this.deps.clock.now();
    const rt = this.runtime(reading.site, reading.sensor, now);
    if (!rt) return NOTHING;
    if (rt.lastTs !== null && reading.ts < rt.lastTs) return this.late(rt, reading);
    rt.lastValue = reading.value;
    rt.lastTs = reading.ts;
    rt.lastStatus = reading.status;
    rt.heard = true;
    if (Number.isFinite(reading.value)) {
      rt.trend = this.trends.add(rt.trend, reading.ts, reading.value);
    }
    const def = rt.def;
    // Unconfigured sensors are stored and shown but raise no threshold alarm (SPEC §1).
    if (!def) return NOTHING;
    if (reading.status === 'maintenance' || reading.status === 'calibrating') {
      // Stored but not evaluated (SPEC §2). The sensor is alive, though: it is not stale.
      rt.lastValidAt = now;
      if (!this.book.get(alarmId(rt.site, rt.sensor, 'stale'))?.cond) return NOTHING;
      return this.book.transact(() =>
        this.setCondition(rt, def, 'stale', false, def.stalePriority, false, null, () =>
          describeStale(def, null, reading.value),
        ),
      );
    }
    if (this.quiet(rt, def, reading)) {
      rt.lastValidAt = now;
      return NOTHING;
    }
    return this.book.transact(() => this.evaluate(rt, def, reading, now));
  }

  /**
   * The common case, decided without a transaction: the book holds nothing of this sensor and the
   * reading is valid, past no setpoint, starts no delay and trips no rate of change. `evaluate`
   * would then change nothing but `lastValidAt` and the roc window (kept here).
   */
  private quiet(rt: SensorRuntime, def: SensorDef, r: Reading): boolean {
    if (this.book.hasSensor(rt.key) || faultReason(def, r) !== null) return false;
    for (const sp of def.setpoints) {
      const level = rt.levels?.get(sp.condition);
      if (level && (level.active || level.onSince !== null || level.offSince !== null)) return false;
      if (levelZone(sp, r.value) === 'past') return false;
    }
    if (def.roc) {
      const window = pushSample(rt.roc, { ts: r.ts, value: r.value }, def.roc.per);
      if (evaluateRoc(def.roc, window).active) return false;
      rt.roc = window;
    }
    return true;
  }

  /**
   * A reading older than one already evaluated: a gateway replaying its buffer, a redelivery, or a
   * sensor whose clock went back. It must not clear anything (an old low value would clear a standing
   * alarm), but it may raise a level alarm that needs no delay: better an alarm from old data than a
   * leak missed because a clock was reset. It is no sign of life either: a sensor that only sends
   * readings from the past goes stale, which shows the operator something is wrong with it.
   */
  private late(rt: SensorRuntime, r: Reading): HandleResult {
    const def = rt.def;
    if (!def || r.status !== 'ok' || faultReason(def, r) !== null) return NOTHING;
    return this.book.transact(() => {
      for (const sp of def.setpoints) {
        if (sp.onDelay > 0 || levelZone(sp, r.value) !== 'past' || rt.levels?.get(sp.condition)?.active) continue;
        setLevel(rt, sp.condition, { active: true, onSince: null, offSince: null });
        this.setCondition(rt, def, sp.condition, true, sp.priority, sp.latch, sp.realarmAfter ?? null, () =>
          describeLevel(def, sp, r.value),
        );
      }
    });
  }

  private evaluate(rt: SensorRuntime, def: SensorDef, r: Reading, now: number): void {
    const fault = faultReason(def, r);
    if (fault !== null) {
      // A reading in fault holds the level alarms (SPEC §2) and is not a valid reading for `stale`.
      this.setCondition(rt, def, 'fault', true, def.faultPriority, false, null, () =>
        describeFault(def, r.value, fault),
      );
      return;
    }
    rt.lastValidAt = now;
    this.setCondition(rt, def, 'fault', false, def.faultPriority, false, null, () =>
      describeFault(def, r.value, 'recovered'),
    );
    this.setCondition(rt, def, 'stale', false, def.stalePriority, false, null, () => describeStale(def, null, r.value));
    for (const sp of def.setpoints) {
      const prev = rt.levels?.get(sp.condition) ?? INACTIVE;
      const next = stepDelayed(prev, levelZone(sp, r.value), sp.onDelay, sp.offDelay, now);
      if (next !== prev) setLevel(rt, sp.condition, next);
      if (next.onSince !== null || next.offSince !== null) this.pendingDelays.add(rt);
      this.setCondition(rt, def, sp.condition, next.active, sp.priority, sp.latch, sp.realarmAfter ?? null, () =>
        describeLevel(def, sp, r.value),
      );
    }
    if (def.roc) {
      rt.roc = pushSample(rt.roc, { ts: r.ts, value: r.value }, def.roc.per);
      const res = evaluateRoc(def.roc, rt.roc);
      const roc = def.roc;
      this.setCondition(rt, def, 'roc', res.active, roc.priority, false, null, () =>
        describeRoc(def, roc, r.value, res.change),
      );
    }
  }

  // ------------------------------------------------------------------ time

  /** Delays, stale sensors, shelve expiry, re-alarm, chattering and flood decay. Call every second. */
  tick(): HandleResult {
    const now = this.deps.clock.now();
    return this.book.transact(() => {
      for (const rt of this.pendingDelays) {
        const def = rt.def;
        let pending = false;
        if (def && rt.lastValue !== null)
          for (const sp of def.setpoints) {
            const prev = rt.levels?.get(sp.condition) ?? INACTIVE;
            const next = stepDelayed(prev, null, sp.onDelay, sp.offDelay, now);
            if (next !== prev) setLevel(rt, sp.condition, next);
            pending ||= next.onSince !== null || next.offSince !== null;
            const value = rt.lastValue;
            this.setCondition(rt, def, sp.condition, next.active, sp.priority, sp.latch, sp.realarmAfter ?? null, () =>
              describeLevel(def, sp, value),
            );
          }
        if (!pending) this.pendingDelays.delete(rt);
      }
      // Plain loops: this runs every second over every sensor (100k), and a generator would
      // allocate a result object per sensor.
      for (const bySensor of this.runtimes.values())
        for (const rt of bySensor.values()) {
          const def = rt.def;
          if (!def) continue;
          const silent = now - rt.lastValidAt;
          if (silent >= def.staleAfter && !this.book.get(alarmId(rt.site, rt.sensor, 'stale'))?.cond)
            this.setCondition(rt, def, 'stale', true, def.stalePriority, false, null, () =>
              describeStale(def, rt.heard ? silent : null, rt.lastValue),
            );
        }
      for (const entry of this.book.values()) this.tickEntry(entry, now);
      for (const e of this.flood.decay(now)) this.book.emit(e.type, e.record, now);
    });
  }

  private tickEntry(entry: AlarmEntry, now: number): void {
    const r = entry.record;
    if (r.shelved && r.shelvedUntil && Date.parse(r.shelvedUntil) <= now) {
      r.shelved = false;
      r.shelvedBy = r.shelvedUntil = r.shelveReason = null;
      this.book.emit('unshelved', r, now, 'system', 'shelve expired');
    }
    if (r.state === 'active_unacked' && entry.realarmAfter && now - entry.lastAnnounced >= entry.realarmAfter) {
      entry.lastAnnounced = now;
      this.book.emit('realarmed', r, now);
    }
    if (refreshChatter(entry, now, CHATTER_WINDOW)) this.book.emit('chattering', r, now);
    const def = this.sites.get(r.site)?.sensors.get(r.sensor);
    if (def) this.refreshSuppression(entry, def, now);
    this.book.settle(entry);
  }

  /**
   * A condition of the monitoring system itself — the broker dropping messages, the spool full — as
   * an alarm `_gaswatch/{name}/system` that follows the same lifecycle as any other: an operator
   * must see that readings may be missing.
   */
  setSystemAlarm(
    name: string,
    active: boolean,
    priority: Priority,
    message: string,
    value: number | null = null,
  ): HandleResult {
    const now = this.deps.clock.now();
    return this.book.transact(() => {
      const id = alarmId(SYSTEM_SITE, name, 'system');
      let entry = this.book.get(id);
      if (!entry) {
        if (!active) return;
        entry = this.book.open(id, SYSTEM_SITE, name, 'system', priority);
      }
      const res = step({ state: entry.record.state, cond: entry.cond }, { type: 'condition', active, latch: false });
      entry.cond = res.next.cond;
      const r = entry.record;
      if (res.transition === 'raised') {
        Object.assign(r, { priority, message, value, threshold: null, unit: null });
        r.raisedAt = new Date(now).toISOString();
        r.clearedAt = r.ackedAt = r.ackedBy = r.comment = null;
        entry.lastAnnounced = now;
      } else if (res.transition === 'cleared') r.clearedAt = new Date(now).toISOString();
      else if (active) Object.assign(r, { message, value }); // the latest count, for the console
      r.state = res.next.state;
      if (res.transition) this.book.emit(res.transition, r, now);
      this.book.settle(entry);
    });
  }

  /**
   * Record what notification did with an alarm — `notified` (sent to someone) or `escalated`
   * (passed to the next person in the site's chain) — as an event of that alarm, without changing
   * its state (SPEC §4, §9). `to` names the recipient. False when the alarm is no longer in the book.
   */
  recordNotice(id: string, type: 'notified' | 'escalated', to: string, detail: string | null = null): boolean {
    const entry = this.book.get(id);
    if (!entry) return false;
    const now = this.deps.clock.now();
    const result = this.book.transact(() => this.book.emit(type, entry.record, now, to, detail));
    void result.durable?.catch((err) => this.deps.logger.error({ err }, 'persisting a notice failed'));
    return true;
  }

  // ------------------------------------------------------------------ commands (AlarmsApi)

  ack(id: string, operator: string, comment: string | null): CommandResult {
    const now = this.deps.clock.now();
    const entry = this.book.get(id);
    if (!entry) return this.missing(id, 'nothing to acknowledge');
    const res = step({ state: entry.record.state, cond: entry.cond }, { type: 'ack' });
    if (!res.accepted)
      return {
        ok: false,
        code: 'invalid_state',
        message: `alarm ${id} is ${entry.record.state}: nothing to acknowledge`,
      };
    const result = this.book.transact(() => {
      const r = entry.record;
      r.state = res.next.state;
      r.ackedAt = new Date(now).toISOString();
      r.ackedBy = operator;
      r.comment = comment;
      if (r.state === 'normal' && r.clearedAt === null) r.clearedAt = r.ackedAt;
      this.book.emit('acked', r, now, operator, comment);
      this.book.settle(entry);
    });
    void result.durable?.catch((err) => this.deps.logger.error({ err }, 'persisting an ack failed'));
    return { ok: true, alarm: { ...entry.record } };
  }

  shelve(id: string, operator: string, minutes: number, reason: string): CommandResult {
    const now = this.deps.clock.now();
    if (!(minutes > 0 && minutes <= 7 * 24 * 60))
      return { ok: false, code: 'bad_request', message: 'minutes must be between 1 and 10080 (7 days)' };
    const entry = this.book.get(id) ?? this.normalEntry(id);
    if (!entry) return { ok: false, code: 'not_found', message: `no alarm ${id} in the config` };
    const result = this.book.transact(() => {
      const r = entry.record;
      r.shelved = true;
      r.shelvedBy = operator;
      r.shelvedUntil = new Date(now + minutes * 60_000).toISOString();
      r.shelveReason = reason;
      this.book.emit('shelved', r, now, operator, reason);
    });
    void result.durable?.catch((err) => this.deps.logger.error({ err }, 'persisting a shelve failed'));
    return { ok: true, alarm: { ...entry.record } };
  }

  unshelve(id: string, operator: string): CommandResult {
    const now = this.deps.clock.now();
    const entry = this.book.get(id);
    if (!entry) return this.missing(id, 'it is not shelved');
    if (!entry.record.shelved) return { ok: false, code: 'invalid_state', message: `alarm ${id} is not shelved` };
    const result = this.book.transact(() => {
      const r = entry.record;
      r.shelved = false;
      r.shelvedBy = r.shelvedUntil = r.shelveReason = null;
      this.book.emit('unshelved', r, now, operator, null);
      this.book.settle(entry);
    });
    void result.durable?.catch((err) => this.deps.logger.error({ err }, 'persisting an unshelve failed'));
    return { ok: true, alarm: { ...entry.record } };
  }

  /**
   * A book entry for a known alarm that is normal now, so that it can be shelved (a known
   * nuisance stays shelved when it comes). The book keeps normal entries only while shelved.
   */
  private normalEntry(id: string): AlarmEntry | undefined {
    const known = this.known(id);
    if (!known) return undefined;
    return this.book.open(id, known.site, known.sensor, known.condition, known.priority);
  }

  /** The refusal for a command on an alarm that is not in the book: known but normal, or unknown. */
  private missing(id: string, what: string): CommandResult {
    return this.known(id)
      ? { ok: false, code: 'invalid_state', message: `alarm ${id} is normal: ${what}` }
      : { ok: false, code: 'not_found', message: `no alarm ${id} in the config` };
  }

  /** site, sensor, condition and priority of an alarm id the config defines. */
  private known(id: string): { site: string; sensor: string; condition: Condition; priority: Priority } | undefined {
    const [site, sensor, condition, ...rest] = id.split('/');
    if (!site || !sensor || !condition || rest.length) return undefined;
    const def = this.sites.get(site)?.sensors.get(sensor);
    if (!def || !conditionExists(def, condition)) return undefined;
    const c = condition as Condition;
    const priority = conditionPriority(def, c);
    return { site, sensor, condition: c, priority };
  }

  list(filter?: { states?: AlarmState[] }): AlarmRecord[] {
    return this.book.list(filter);
  }

  history(q?: HistoryQuery): AlarmEvent[] {
    return this.book.history(q);
  }

  /** Every entry of the book, for persistence. */
  entries(): AlarmEntry[] {
    return this.book.all();
  }

  health(): AlarmHealth {
    return { floodingSites: this.flood.flooding() };
  }

  // ------------------------------------------------------------------ sensors (SensorsApi)

  /** The sensor view for the HTTP room. */
  sensorsApi(): SensorsApi {
    return { list: () => this.sensors(), trend: (site, sensor) => this.trend(site, sensor) };
  }

  private sensorStatus(rt: SensorRuntime, now: number): SensorStatus {
    if (!rt.def) return 'unconfigured';
    const site = this.sites.get(rt.site);
    if (rt.lastStatus === 'maintenance' || rt.lastStatus === 'calibrating' || inMaintenance(site, rt.def, now))
      return 'maintenance';
    if (this.book.get(alarmId(rt.site, rt.sensor, 'fault'))?.cond) return 'fault';
    if (this.book.get(alarmId(rt.site, rt.sensor, 'stale'))?.cond) return 'stale';
    return 'ok';
  }

  sensors(): SensorSnapshot[] {
    const now = this.deps.clock.now();
    const out: SensorSnapshot[] = [];
    for (const rt of this.eachRuntime()) {
      if (!rt.def && !rt.heard) continue;
      out.push({
        site: rt.site,
        sensor: rt.sensor,
        name: rt.def?.name ?? null,
        kind: rt.def?.kind ?? null,
        asset: rt.def?.asset ?? null,
        unit: rt.def?.unit ?? null,
        value: rt.lastValue,
        ts: rt.lastTs === null ? null : new Date(rt.lastTs).toISOString(),
        status: this.sensorStatus(rt, now),
        configured: rt.def !== undefined,
      });
    }
    return out;
  }

  trend(site: string, sensor: string): { ts: number; value: number }[] | undefined {
    const rt = this.runtimes.get(site)?.get(sensor);
    if (!rt) return undefined;
    return this.trends.points(rt.trend, this.deps.clock.now());
  }

  // ------------------------------------------------------------------ internals

  /**
   * The runtime of a sensor, created on first use. Undeclared sensors are tracked (for the sensor
   * view) only up to a bound, so a flood of random topics cannot exhaust memory; their readings are
   * still stored.
   */
  private runtime(site: string, sensor: string, now: number, declared = false): SensorRuntime | undefined {
    let rt = this.runtimes.get(site)?.get(sensor);
    if (!rt) {
      const def = this.sites.get(site)?.sensors.get(sensor);
      if (!def && !declared) {
        if (this.unconfigured >= MAX_UNCONFIGURED) return undefined;
        this.unconfigured++;
      }
      rt = {
        // join() makes a flat string at once; a template would keep a rope and its flattened copy.
        key: [site, sensor].join('/'),
        site,
        sensor,
        def,
        levels: undefined,
        roc: NO_SAMPLES,
        lastValue: null,
        lastTs: null,
        lastStatus: null,
        // A sensor never heard from goes stale after the start-up grace, or its own staleAfter if longer.
        lastValidAt: now + this.deps.startupGrace,
        heard: false,
        trend: -1,
      };
      rt.lastValidAt -= Math.min(this.deps.startupGrace, rt.def?.staleAfter ?? 0);
      let bySensor = this.runtimes.get(site);
      if (!bySensor) {
        bySensor = new Map();
        this.runtimes.set(site, bySensor);
      }
      bySensor.set(sensor, rt);
      this.seedConditions(rt);
    }
    return rt;
  }

  private *eachRuntime(): Generator<SensorRuntime> {
    for (const bySensor of this.runtimes.values()) yield* bySensor.values();
  }

  /** After a restart the book knows which conditions were active: seed the evaluators to match. */
  private seedConditions(rt: SensorRuntime): void {
    for (const sp of rt.def?.setpoints ?? []) {
      if (rt.levels?.has(sp.condition)) continue;
      const e = this.book.get(alarmId(rt.site, rt.sensor, sp.condition));
      if (e?.cond) setLevel(rt, sp.condition, { active: true, onSince: null, offSince: null });
    }
  }

  /**
   * Feed the process condition of one alarm into its state machine. `describe` is called only on a
   * transition, so the common case (a normal reading of a normal sensor) allocates nothing.
   */
  private setCondition(
    rt: SensorRuntime,
    def: SensorDef,
    condition: Condition,
    active: boolean,
    priority: Priority,
    latch: boolean,
    realarmAfter: number | null,
    describe: () => Described,
  ): void {
    const id = alarmId(rt.site, rt.sensor, condition);
    let entry = this.book.get(id);
    if (!entry) {
      if (!active) return;
      entry = this.book.open(id, rt.site, rt.sensor, condition, priority);
    }
    const res = step({ state: entry.record.state, cond: entry.cond }, { type: 'condition', active, latch });
    entry.cond = res.next.cond;
    entry.latch = latch;
    entry.realarmAfter = realarmAfter;
    if (!res.transition) {
      this.book.settle(entry);
      return;
    }
    const now = this.deps.clock.now();
    const r = entry.record;
    const d = describe();
    r.state = res.next.state;
    r.value = d.value;
    if (res.transition === 'raised') {
      r.priority = priority;
      r.threshold = d.threshold;
      r.unit = d.unit;
      r.message = d.message;
      r.raisedAt = new Date(now).toISOString();
      r.clearedAt = r.ackedAt = r.ackedBy = r.comment = null;
      entry.lastAnnounced = now;
      this.refreshSuppression(entry, def, now);
      this.book.emit('raised', r, now);
      if (noteRaise(entry, now, CHATTER_WINDOW)) this.book.emit('chattering', r, now);
      for (const e of this.flood.raised(r.site, now)) this.book.emit(e.type, e.record, now);
    } else {
      r.clearedAt = new Date(now).toISOString();
      this.book.emit('cleared', r, now);
    }
    this.book.settle(entry);
  }

  private refreshSuppression(entry: AlarmEntry, def: SensorDef, now: number): void {
    const suppressed = inMaintenance(this.sites.get(def.site), def, now);
    if (suppressed === entry.record.suppressed) return;
    entry.record.suppressed = suppressed;
    if (isStanding(entry.record.state) || suppressed)
      this.book.emit(suppressed ? 'suppressed' : 'unsuppressed', entry.record, now);
  }

  /** Close an alarm whose sensor or condition left the config. */
  private close(entry: AlarmEntry, now: number): void {
    const r = entry.record;
    r.state = 'normal';
    r.clearedAt ??= new Date(now).toISOString();
    r.shelved = false;
    this.book.emit('closed', r, now, 'system', 'removed from config');
    this.book.remove(entry);
  }
}

function setLevel(rt: SensorRuntime, condition: LevelCondition, state: DelayedCondition): void {
  rt.levels ??= new Map();
  rt.levels.set(condition, state);
}

/** The pseudo-site of alarms about gaswatch itself. */
export const SYSTEM_SITE = '_gaswatch';
