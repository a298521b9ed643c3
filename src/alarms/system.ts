/**
 * Alarms about the monitoring system itself — the broker dropping messages, the spool full, a
 * notification channel failing, a poison message — as `_gaswatch/{name}/system` alarms that follow
 * the lifecycle of every other alarm: an operator must see that readings may be missing (SPEC §4).
 */
import { SYSTEM_SITE } from '../domain/ports.js';
import { alarmId, type Priority } from '../domain/types.js';
import type { AlarmBook } from './book.js';
import { step } from './machine.js';

export function setSystemAlarm(
  book: AlarmBook,
  now: number,
  name: string,
  active: boolean,
  priority: Priority,
  message: string,
  value: number | null,
): void {
  const id = alarmId(SYSTEM_SITE, name, 'system');
  let entry = book.get(id);
  if (!entry) {
    if (!active) return;
    entry = book.open(id, SYSTEM_SITE, name, 'system', priority);
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
  if (res.transition) book.emit(res.transition, r, now);
  book.settle(entry);
}
