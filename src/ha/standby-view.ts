/**
 * What the console and API of a standby node show (docs/ha.md): the partition's alarms and hazards
 * as the retained records say (read-only — commands are refused with `standby`, HTTP 503), the last
 * events it saw, and why `/readyz` says it is not ready.
 */

import { compareAlarms, type HistoryQuery, matchesHistory } from '../domain/alarm-order.js';
import type { HazardRecord, HazardState } from '../domain/hazards.js';
import type { AlarmEvent, AlarmRecord, AlarmState } from '../domain/types.js';
import type { Mirror } from './mirror.js';
import type { Role } from './role.js';

export function standbyAlarms(mirror: Mirror) {
  return {
    list(filter?: { states?: AlarmState[] }): AlarmRecord[] {
      const states = filter?.states;
      return mirror
        .alarmRecords()
        .filter((r) => (states ? states.includes(r.state) : r.state !== 'normal' || r.shelved))
        .sort(compareAlarms);
    },
    history(q: HistoryQuery = {}): AlarmEvent[] {
      return mirror
        .recent()
        .filter((e) => matchesHistory(e, q) && (q.since === undefined || Date.parse(e.at) >= q.since))
        .slice(0, q.limit ?? 500);
    },
  };
}

export function standbyHazards(mirror: Mirror) {
  return {
    list(filter: { states?: readonly HazardState[]; site?: string } = {}): HazardRecord[] {
      const states = filter.states ?? ['open', 'rectified'];
      return mirror
        .hazardRecords()
        .filter((h) => states.includes(h.state) && (filter.site === undefined || h.site === filter.site))
        .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.deadline.localeCompare(b.deadline));
    },
  };
}

/** The reason `/readyz` gives on a node that is not active. */
export function standbyReason(
  role: Role,
  active: { node: string; term: number; online: boolean } | null,
  self: string,
  watching: boolean,
): string {
  if (role === 'promoting') return 'hot standby: taking the partition over';
  if (role === 'demoting') return 'hot standby: handing the partition back';
  if (role === 'stopped') return 'stopping';
  // A standby that cannot see the status cannot take over: that is worth an alert of its own.
  if (!watching) return 'standby: cannot see the partition status (broker unreachable); cannot take over';
  if (active && active.node !== self && active.online)
    return `standby: node ${active.node} is active (term ${active.term})`;
  return 'standby: no node is active; this one takes over after ha.takeoverAfter';
}
