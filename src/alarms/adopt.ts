/**
 * Taking over alarm state from another node (SPEC §10): the node that takes a partition over
 * restores its alarm book from the retained alarm records on the broker — what the node before it
 * published, acknowledgements and shelves made there included — not from its own state directory,
 * which may be days old. Pure.
 *
 * - A retained record is the alarm as it stands: it is taken as it is, so an alarm standing before
 *   the takeover is not raised again (its condition is seeded active: evaluation starts from there).
 *   What the record does not carry (the condition behind a latch, re-alarm timing, recent raises)
 *   comes from this node's own entry of the same raise, else from the record: the next reading sets it.
 * - An entry of this node's state directory with no retained record ended while the other node held
 *   the partition: it is dropped. So is a shelve nobody can confirm (the fail-safe side: an alarm
 *   that comes back is announced).
 * - gaswatch's own alarms (`_gaswatch/…/system`) are about the node that raised them: an active one
 *   is taken over as cleared and unacknowledged (the operators still see it happened), an
 *   acknowledged one ends. Where partitions share the broker (`mqtt.subscribe: sites`) this node
 *   keeps its own from its state directory (their names carry the instance, engine.ts).
 */
import { type AlarmRecord, SYSTEM_SITE } from '../domain/types.js';
import type { AlarmEntry } from './book.js';

export interface Adopted {
  entries: AlarmEntry[];
  /** What differed from this node's state directory, for the log. */
  notes: string[];
}

const isActive = (r: AlarmRecord) => r.state === 'active_unacked' || r.state === 'active_acked';

export function adoptRecords(
  own: readonly AlarmEntry[],
  retained: readonly AlarmRecord[],
  now: number,
  owns: (site: string) => boolean,
): Adopted {
  const mine = new Map(own.map((e) => [e.record.id, e]));
  const entries: AlarmEntry[] = [];
  let changed = 0;
  let system = 0;
  for (const r0 of retained) {
    if (!owns(r0.site) || (r0.state === 'normal' && !r0.shelved)) continue;
    let r: AlarmRecord = { ...r0 };
    if (r.condition === 'system' && isActive(r)) {
      system++;
      if (r.state === 'active_acked') continue;
      r = { ...r, state: 'cleared_unacked', clearedAt: new Date(now).toISOString() };
    }
    const e = mine.get(r.id);
    mine.delete(r.id);
    const same = e !== undefined && e.record.raisedAt === r.raisedAt;
    if (!same || JSON.stringify(e.record) !== JSON.stringify(r)) changed++;
    const cond = r.condition !== 'system' && isActive(r) && (!same || e.record.state !== r.state || e.cond);
    const raisedAt = r.raisedAt ? Date.parse(r.raisedAt) : Number.NaN;
    entries.push({
      record: r,
      cond,
      latch: same ? e.latch : false,
      realarmAfter: same ? e.realarmAfter : null,
      lastAnnounced: same ? e.lastAnnounced : Number.isFinite(raisedAt) ? raisedAt : now,
      raises: same ? [...e.raises] : [],
    });
  }
  // This node's own alarms, where the retained records of gaswatch's alarms are not told apart by
  // partition (mqtt.subscribe: sites), stay as its state directory has them.
  for (const e of mine.values()) if (e.record.site === SYSTEM_SITE && !owns(SYSTEM_SITE)) entries.push(e);
  const notes: string[] = [];
  if (entries.length)
    notes.push(
      `took over ${entries.length} alarms from the retained records (${changed} newer than this node's state directory)`,
    );
  const ended = [...mine.values()].filter((e) => owns(e.record.site));
  if (ended.length)
    notes.push(`${ended.length} alarms of this node's state directory ended while another node held the partition`);
  if (system) notes.push(`${system} of gaswatch's own alarms were the other node's: taken over as cleared`);
  return { entries, notes };
}
