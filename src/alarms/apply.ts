/**
 * Alarm keeping: what evaluation says about a condition, applied to that condition's alarm in the
 * book — the ISA-18.2 machine (machine.ts), the record's values and text, suppression by maintenance,
 * chattering and floods (SPEC §2–§3). Evaluation decides whether a condition is active; this decides
 * what that means for the alarm.
 */
import { inMaintenance, type SensorDef, type SiteDef } from '../domain/sensor.js';
import { alarmId, type Priority } from '../domain/types.js';
import type { ConditionUpdate } from '../evaluate/sensor.js';
import type { Locale } from '../i18n/index.js';
import type { AlarmBook, AlarmEntry } from './book.js';
import { type Described, describeFault, describeLevel, describeRoc, describeStale } from './describe.js';
import { type FloodTracker, noteRaise } from './health.js';
import { isStanding, step } from './machine.js';

export const CHATTER_WINDOW = 60_000;

export interface KeepingContext {
  book: AlarmBook;
  flood: FloodTracker;
  site(id: string): SiteDef | undefined;
  /** Language of the records' `message` (config `locale`, read at each change so a reload applies). */
  locale(): Locale;
}

/** Priority, latch and re-alarm of the alarm an update is about, from the sensor's definition. */
function policy(
  def: SensorDef,
  u: ConditionUpdate,
): { priority: Priority; latch: boolean; realarmAfter: number | null } {
  switch (u.kind) {
    case 'level':
      return { priority: u.setpoint.priority, latch: u.setpoint.latch, realarmAfter: u.setpoint.realarmAfter ?? null };
    case 'roc':
      return { priority: u.roc.priority, latch: false, realarmAfter: null };
    case 'fault':
      return { priority: def.faultPriority, latch: false, realarmAfter: null };
    case 'stale':
      return { priority: def.stalePriority, latch: false, realarmAfter: null };
  }
}

/** Text and display values of the record; called only on a transition. */
function describe(def: SensorDef, u: ConditionUpdate, locale: Locale): Described {
  switch (u.kind) {
    case 'level':
      return describeLevel(def, u.setpoint, u.value, locale);
    case 'roc':
      return describeRoc(def, u.roc, u.value, u.change, locale);
    case 'fault':
      return describeFault(def, u.value, u.reason, locale);
    case 'stale':
      return describeStale(def, u.silentFor, u.lastValue, locale);
  }
}

/**
 * Feed one condition update into its alarm's state machine. The common case — a normal reading of
 * a normal sensor — finds no entry and returns at once, allocating nothing.
 */
export function applyUpdate(ctx: KeepingContext, def: SensorDef, u: ConditionUpdate, now: number): void {
  const { book } = ctx;
  const id = alarmId(def.site, def.id, u.condition);
  let entry = book.get(id);
  if (!entry) {
    if (!u.active) return;
    entry = book.open(id, def.site, def.id, u.condition, policy(def, u).priority);
  }
  const p = policy(def, u);
  const res = step(
    { state: entry.record.state, cond: entry.cond },
    { type: 'condition', active: u.active, latch: p.latch },
  );
  entry.cond = res.next.cond;
  entry.latch = p.latch;
  entry.realarmAfter = p.realarmAfter;
  if (!res.transition) {
    book.settle(entry);
    return;
  }
  const r = entry.record;
  const d = describe(def, u, ctx.locale());
  r.state = res.next.state;
  r.value = d.value;
  if (res.transition === 'raised') {
    r.priority = p.priority;
    r.threshold = d.threshold;
    r.unit = d.unit;
    r.message = d.message;
    r.raisedAt = new Date(now).toISOString();
    r.clearedAt = r.ackedAt = r.ackedBy = r.comment = null;
    entry.lastAnnounced = now;
    refreshSuppression(ctx, entry, def, now);
    book.emit('raised', r, now);
    if (noteRaise(entry, now, CHATTER_WINDOW)) book.emit('chattering', r, now);
    for (const e of ctx.flood.raised(r.site, now)) book.emit(e.type, e.record, now);
  } else {
    r.clearedAt = new Date(now).toISOString();
    book.emit('cleared', r, now);
  }
  book.settle(entry);
}

/** Suppressed while the sensor or its site is in maintenance (config flag or window). */
export function refreshSuppression(ctx: KeepingContext, entry: AlarmEntry, def: SensorDef, now: number): void {
  const suppressed = inMaintenance(ctx.site(def.site), def, now);
  if (suppressed === entry.record.suppressed) return;
  entry.record.suppressed = suppressed;
  if (isStanding(entry.record.state) || suppressed)
    ctx.book.emit(suppressed ? 'suppressed' : 'unsuppressed', entry.record, now);
}

/** Close an alarm whose sensor or condition left the config. */
export function closeAlarm(book: AlarmBook, entry: AlarmEntry, now: number): void {
  const r = entry.record;
  r.state = 'normal';
  r.clearedAt ??= new Date(now).toISOString();
  r.shelved = false;
  book.emit('closed', r, now, 'system', 'removed from config');
  book.remove(entry);
}
