/**
 * How alarm lists are ordered and the journal is queried, the same for the active node's book
 * (alarms/book.ts) and a standby's view of the retained records (ha/standby-view.ts). Pure.
 */
import type { AlarmEvent, AlarmRecord, Priority } from './types.js';

const PRIORITY_RANK: Record<Priority, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Critical first, then the newest raise. */
export function compareAlarms(a: AlarmRecord, b: AlarmRecord): number {
  return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || (b.raisedAt ?? '').localeCompare(a.raisedAt ?? '');
}

/** A journal query: newest first, at most `limit` (default 500), `since` in epoch ms. */
export type HistoryQuery = { limit?: number; site?: string; sensor?: string; type?: string; since?: number };

/** Whether an event matches the query's site, sensor and type (`since` and `limit` are the caller's). */
export function matchesHistory(e: AlarmEvent, q: HistoryQuery): boolean {
  return (
    (!q.site || e.alarm.site === q.site) && (!q.sensor || e.alarm.sensor === q.sensor) && (!q.type || e.type === q.type)
  );
}
