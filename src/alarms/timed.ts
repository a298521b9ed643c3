/**
 * The timed pass over the book, every second: shelves that expire, standing unacknowledged alarms
 * announced again after `realarmAfter`, chattering flags that lapse, maintenance windows that open
 * or close, and floods that decay (SPEC §2–§3, EEMUA 191).
 */
import type { SensorDef } from '../domain/sensor.js';
import { CHATTER_WINDOW, type KeepingContext, refreshSuppression } from './apply.js';
import type { AlarmEntry } from './book.js';
import { refreshChatter } from './health.js';

export function tickEntry(ctx: KeepingContext, entry: AlarmEntry, def: SensorDef | undefined, now: number): void {
  const { book } = ctx;
  const r = entry.record;
  if (r.shelved && r.shelvedUntil && Date.parse(r.shelvedUntil) <= now) {
    r.shelved = false;
    r.shelvedBy = r.shelvedUntil = r.shelveReason = null;
    book.emit('unshelved', r, now, 'system', 'shelve expired');
  }
  if (r.state === 'active_unacked' && entry.realarmAfter && now - entry.lastAnnounced >= entry.realarmAfter) {
    entry.lastAnnounced = now;
    book.emit('realarmed', r, now);
  }
  if (refreshChatter(entry, now, CHATTER_WINDOW)) book.emit('chattering', r, now);
  if (def) refreshSuppression(ctx, entry, def, now);
  book.settle(entry);
}

/** Floods that ended: their events. */
export function tickFloods(ctx: KeepingContext, now: number): void {
  for (const e of ctx.flood.decay(now)) ctx.book.emit(e.type, e.record, now);
}
