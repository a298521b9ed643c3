/**
 * The alarm book: every alarm that is not `normal` (or is shelved), the journal of recent events,
 * and the transaction that turns a burst of changes into one batch on the room's one output
 * (STYLE habit 14): the MQTT publisher, the disk, the store, the notifier and the console all
 * subscribe to it. The keeping modules decide; the book records.
 */
import { compareAlarms, type HistoryQuery, matchesHistory } from '../domain/alarm-order.js';
import type { AlarmBatch, AlarmEvent, AlarmEventType, AlarmRecord, AlarmState, Priority } from '../domain/types.js';
import { isStanding } from './machine.js';

/** What the book keeps of one alarm. */
export interface AlarmEntry {
  record: AlarmRecord;
  /** The process condition as last evaluated. */
  cond: boolean;
  latch: boolean;
  realarmAfter: number | null;
  /** Daemon time of the last announcement (raise or re-alarm), for `realarmAfter`. */
  lastAnnounced: number;
  /** Daemon times of recent raises, for chattering. */
  raises: number[];
}

export interface HandleResult {
  events: AlarmEvent[];
  /** Resolves when the events and book are durable; undefined when nothing changed. */
  durable: Promise<void> | undefined;
}

export const NOTHING: HandleResult = Object.freeze({ events: [], durable: undefined }) as HandleResult;

/**
 * The book's output: every transaction's batch, in order. Returns a promise that settles once the
 * batch is durable (the book and its events on disk), or undefined when nothing needs to be.
 * Must not throw (`Stream.publish` logs subscriber failures).
 */
export type BookOutput = (batch: AlarmBatch) => Promise<void> | undefined;

export type { HistoryQuery } from '../domain/alarm-order.js';

const JOURNAL_MAX = 10_000;

export class AlarmBook {
  private readonly entries = new Map<string, AlarmEntry>();
  /** Entries per site and sensor, so the hot path can tell a sensor with nothing in the book at once. */
  private readonly perSensor = new Map<string, Map<string, number>>();
  private readonly journal: AlarmEvent[] = [];
  private batch: AlarmEvent[] | null = null;
  private dirty = false;

  constructor(private readonly out: BookOutput) {}

  /** Install what was restored from disk. */
  restore(entries: AlarmEntry[], journal: AlarmEvent[]): void {
    for (const e of entries) this.add(e);
    this.journal.push(...journal.slice(-JOURNAL_MAX));
  }

  get(id: string): AlarmEntry | undefined {
    return this.entries.get(id);
  }

  /** True when the book holds any alarm of this sensor. */
  hasSensor(site: string, sensor: string): boolean {
    return this.perSensor.get(site)?.has(sensor) === true;
  }

  private add(entry: AlarmEntry): void {
    const r = entry.record;
    const prev = this.entries.get(r.id);
    if (prev) this.delete(prev);
    this.entries.set(r.id, entry);
    let bySensor = this.perSensor.get(r.site);
    if (!bySensor) {
      bySensor = new Map();
      this.perSensor.set(r.site, bySensor);
    }
    bySensor.set(r.sensor, (bySensor.get(r.sensor) ?? 0) + 1);
  }

  private delete(entry: AlarmEntry): void {
    const r = entry.record;
    this.entries.delete(r.id);
    const bySensor = this.perSensor.get(r.site);
    const n = (bySensor?.get(r.sensor) ?? 1) - 1;
    if (n > 0) bySensor?.set(r.sensor, n);
    else {
      bySensor?.delete(r.sensor);
      if (bySensor?.size === 0) this.perSensor.delete(r.site);
    }
  }

  /** A new entry in state normal, added to the book. */
  open(id: string, site: string, sensor: string, condition: AlarmRecord['condition'], priority: Priority): AlarmEntry {
    const entry: AlarmEntry = {
      record: {
        id,
        site,
        sensor,
        condition,
        priority,
        state: 'normal',
        shelved: false,
        suppressed: false,
        value: null,
        threshold: null,
        unit: null,
        message: '',
        raisedAt: null,
        clearedAt: null,
        ackedAt: null,
        ackedBy: null,
        comment: null,
        chattering: false,
        shelvedBy: null,
        shelvedUntil: null,
        shelveReason: null,
      },
      cond: false,
      latch: false,
      realarmAfter: null,
      lastAnnounced: 0,
      raises: [],
    };
    this.add(entry);
    return entry;
  }

  /** Remove the entry once it is normal and not shelved: the book holds only what needs attention. */
  settle(entry: AlarmEntry): void {
    if (isStanding(entry.record.state) || entry.record.shelved) return;
    if (this.entries.get(entry.record.id) === entry) {
      this.delete(entry);
      this.dirty = true;
    }
  }

  /** Remove the entry whatever its state (its sensor or condition left the config). */
  remove(entry: AlarmEntry): void {
    if (this.entries.get(entry.record.id) === entry) {
      this.delete(entry);
      this.dirty = true;
    }
  }

  /** Record an event of `record` as it is now; only inside `transact`. */
  emit(type: AlarmEventType, record: AlarmRecord, now: number, operator?: string, comment?: string | null): void {
    const event: AlarmEvent = { type, at: new Date(now).toISOString(), alarm: { ...record } };
    if (operator !== undefined) event.operator = operator;
    if (comment !== undefined) event.comment = comment;
    this.dirty = true;
    if (!this.batch) throw new Error('emit outside a transaction');
    this.batch.push(event);
  }

  /** Run `fn`, then hand the events it produced (and the changed book) to the output as one batch. */
  transact(fn: () => void): HandleResult {
    if (this.batch) {
      fn();
      return NOTHING;
    }
    const events: AlarmEvent[] = [];
    this.batch = events;
    try {
      fn();
    } finally {
      this.batch = null;
    }
    if (events.length === 0 && !this.dirty) return NOTHING;
    this.dirty = false;
    for (const e of events) this.journal.push(e);
    if (this.journal.length > JOURNAL_MAX * 1.2) this.journal.splice(0, this.journal.length - JOURNAL_MAX);
    return { events, durable: this.out({ events }) };
  }

  /** Every entry, for persistence and the periodic pass. */
  all(): AlarmEntry[] {
    return [...this.entries.values()];
  }

  values(): IterableIterator<AlarmEntry> {
    return this.entries.values();
  }

  /**
   * Standing alarms (not normal) and shelved ones (a shelve stays visible until it ends, even while
   * the alarm is normal), most urgent first, then newest: the order an operator works through them.
   * With `states`, only alarms in those states.
   */
  list(filter?: { states?: AlarmState[] }): AlarmRecord[] {
    const states = filter?.states;
    const out: AlarmRecord[] = [];
    for (const e of this.entries.values()) {
      const r = e.record;
      if (states ? states.includes(r.state) : isStanding(r.state) || r.shelved) out.push({ ...r });
    }
    return out.sort(compareAlarms);
  }

  /** The journal, newest first. */
  history(q: HistoryQuery = {}): AlarmEvent[] {
    const out: AlarmEvent[] = [];
    const limit = q.limit ?? 500;
    for (let i = this.journal.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.journal[i] as AlarmEvent;
      if (q.since !== undefined && Date.parse(e.at) < q.since) break;
      if (matchesHistory(e, q)) out.push(e);
    }
    return out;
  }
}
