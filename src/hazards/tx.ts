/**
 * The bookkeeping of one register transaction: history lines and events on a hazard, and a new
 * hazard's record. The register and its timed pass decide; these only record, with who and when.
 */
import type {
  HazardAction,
  HazardAddressee,
  HazardEvent,
  HazardEventType,
  HazardKind,
  HazardRecord,
  HazardSeverity,
} from '../domain/hazards.js';

/** What the register keeps of one hazard. */
export interface HazardEntry {
  record: HazardRecord;
  /** `rule:site/sensor` for a rule's hazard (one live per key); null for one registered by hand. */
  key: string | null;
  /** Who rectified it and when (daemon ms), while rectified: the two-person rule, fresh counts. */
  rectifiedBy: string | null;
  rectifiedAt: number | null;
  /** When it was seen overdue, and the last escalation slot (overdue.ts); null while not overdue. */
  overdueSince: number | null;
  slot: number | null;
}

export interface Tx {
  events: HazardEvent[];
  /** Entries changed in this transaction, by id. */
  changed: Map<string, HazardEntry>;
}

const iso = (t: number) => new Date(t).toISOString();

/** The owner as a person of the chain in force (the first one when they have left it); null without a chain. */
export function ownerIn(chain: readonly { name: string }[], owner: string | null): HazardAddressee | null {
  const i = Math.max(
    0,
    chain.findIndex((p) => p.name === owner),
  );
  const p = chain[i];
  return p ? { name: p.name, step: i, of: chain.length } : null;
}

export function line(tx: Tx, e: HazardEntry, now: number, by: string, action: HazardAction, note: string | null): void {
  const at = iso(now);
  e.record.history.push({ at, by, action, note });
  e.record.updatedAt = at;
  tx.changed.set(e.record.id, e);
}

export function emit(
  tx: Tx,
  type: HazardEventType,
  e: HazardEntry,
  now: number,
  by: string,
  note: string | null,
  to: HazardAddressee | null,
): void {
  tx.events.push({ type, at: iso(now), hazard: structuredClone(e.record), by, note, to });
  tx.changed.set(e.record.id, e);
}

export interface NewHazard {
  site: string;
  sensor: string | null;
  kind: HazardKind;
  severity: HazardSeverity;
  description: string;
  key: string | null;
  alarm: string | null;
  by: string;
  note: string | null;
}

/** A new hazard's entry, its `opened` line and its `hazard_opened` event (addressed to the owner). */
export function openHazard(
  tx: Tx,
  id: string,
  now: number,
  h: NewHazard,
  who: { owner: string | null; deadline: number; to: HazardAddressee | null },
): HazardEntry {
  const at = iso(now);
  const e: HazardEntry = {
    record: {
      id,
      site: h.site,
      sensor: h.sensor,
      kind: h.kind,
      severity: h.severity,
      state: 'open',
      owner: who.owner,
      deadline: iso(who.deadline),
      overdue: false,
      description: h.description,
      createdAt: at,
      history: [],
      condition: h.key ? 'present' : null,
      alarm: h.alarm,
      updatedAt: at,
    },
    key: h.key,
    rectifiedBy: null,
    rectifiedAt: null,
    overdueSince: null,
    slot: null,
  };
  line(tx, e, now, h.by, 'opened', h.note);
  emit(tx, 'hazard_opened', e, now, h.by, h.note, who.to);
  return e;
}
