/**
 * What a node of a pair knows of its partition from the broker, kept while it watches (watch.ts):
 * the retained alarm records (`{prefix}/alarms/…`) and hazard records (`{prefix}/hazards/…`) of its
 * own sites, and the alarm events on `{prefix}/events` it has not yet written to its journal.
 *
 * The retained records are the truth a node restores from when it takes the partition over (its
 * own state directory may be days old). A shelve of an alarm that is back to normal has no retained
 * record (SPEC §4: empty once normal); the mirror learns it from the `shelved` event and forgets
 * it at the next resynchronisation — a shelve it cannot confirm is dropped, the fail-safe side.
 */
import type { HazardRecord } from '../domain/hazards.js';
import { ALARM_STATES, type AlarmEvent, type AlarmRecord } from '../domain/types.js';

const MAX_EVENTS = 10_000;
const RECENT = 1000;

export class Mirror {
  private readonly alarms = new Map<string, AlarmRecord>();
  private readonly hazards = new Map<string, HazardRecord>();
  private pending: AlarmEvent[] = [];
  private readonly recentEvents: AlarmEvent[] = [];
  private seen: Set<string> | undefined;
  /** Events are kept for the journal only while another node holds the partition. */
  private collecting = true;
  /** Events dropped because nobody took them in time (the bound). */
  dropped = 0;

  constructor(
    private readonly prefix: string,
    private readonly owns: (site: string) => boolean,
  ) {}

  /** A retained (or live) message on `{prefix}/alarms/#` or `{prefix}/hazards/#`, or an event. */
  onMessage(topic: string, payload: Buffer): void {
    const rest = topic.startsWith(`${this.prefix}/`) ? topic.slice(this.prefix.length + 1) : undefined;
    if (rest === undefined) return;
    if (rest === 'events') this.onEvent(payload);
    else if (rest.startsWith('alarms/')) this.onRecord(this.alarms, rest.slice(7), 3, payload, isAlarmRecord);
    else if (rest.startsWith('hazards/')) this.onRecord(this.hazards, rest.slice(8), 2, payload, isHazardRecord);
  }

  /** The watch (re)connected: what it is sent until `endSync` is what the broker holds now. */
  beginSync(): void {
    this.seen = new Set();
  }

  /** Forget records the broker no longer holds (they ended while the watch was away). */
  endSync(): void {
    const seen = this.seen;
    this.seen = undefined;
    if (!seen) return;
    for (const map of [this.alarms, this.hazards] as Map<string, unknown>[])
      for (const id of [...map.keys()]) if (!seen.has(id)) map.delete(id);
  }

  alarmRecords(): AlarmRecord[] {
    return [...this.alarms.values()].map((r) => ({ ...r }));
  }

  hazardRecords(): HazardRecord[] {
    return [...this.hazards.values()].map((r) => structuredClone(r));
  }

  /** The other node's events not yet journaled, oldest first; they are handed over once. */
  takeEvents(): AlarmEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** The last events seen, newest first (a standby's console). */
  recent(limit = 500): AlarmEvent[] {
    return this.recentEvents.slice(-limit).reverse();
  }

  /** Keep events for the journal (standby) or not (active: they are this node's own). */
  collect(on: boolean): void {
    this.collecting = on;
    this.pending = [];
  }

  private onEvent(payload: Buffer): void {
    let e: AlarmEvent;
    try {
      e = JSON.parse(payload.toString('utf8')) as AlarmEvent;
    } catch {
      return;
    }
    if (!e || typeof e.type !== 'string' || typeof e.at !== 'string' || !isAlarmRecord(e.alarm)) return;
    if (e.type === 'flood' || !this.owns(e.alarm.site)) return;
    // The record after the transition: a shelve of a normal alarm is known from here only.
    const r = e.alarm;
    if (r.state === 'normal' && !r.shelved) this.alarms.delete(r.id);
    else {
      this.alarms.set(r.id, { ...r });
      this.seen?.add(r.id);
    }
    this.recentEvents.push(e);
    if (this.recentEvents.length > RECENT * 1.2) this.recentEvents.splice(0, this.recentEvents.length - RECENT);
    if (!this.collecting) return;
    this.pending.push(e);
    if (this.pending.length > MAX_EVENTS) {
      this.pending.shift();
      this.dropped++;
    }
  }

  private onRecord<T extends { id: string; site: string }>(
    map: Map<string, T>,
    path: string,
    levels: number,
    payload: Buffer,
    valid: (v: unknown) => v is T,
  ): void {
    const parts = path.split('/');
    if (parts.length !== levels) return;
    const id = parts.join('/');
    if (!this.owns(parts[0] as string)) return;
    this.seen?.add(id);
    if (payload.length === 0) {
      map.delete(id);
      return;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    if (valid(doc) && doc.id === id) map.set(id, doc);
  }
}

function isAlarmRecord(v: unknown): v is AlarmRecord {
  const r = v as AlarmRecord | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.id === 'string' &&
    typeof r.site === 'string' &&
    typeof r.sensor === 'string' &&
    typeof r.condition === 'string' &&
    (ALARM_STATES as readonly string[]).includes(r.state)
  );
}

function isHazardRecord(v: unknown): v is HazardRecord {
  const r = v as HazardRecord | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.id === 'string' &&
    typeof r.site === 'string' &&
    typeof r.state === 'string' &&
    Array.isArray(r.history)
  );
}
