/**
 * Which channels an alarm event goes to (SPEC §9): the routes whose sites, priorities and event
 * types match, each channel once. Pure, so the rules read as a table:
 *
 * | event                                   | sent?                                          |
 * | --------------------------------------- | ---------------------------------------------- |
 * | `notified`                              | never (a notice about a notice would not end)  |
 * | alarm shelved or suppressed             | never — still tracked, shown and journaled     |
 * | raised/cleared of a chattering alarm    | only when critical; the `chattering` event says it once (EEMUA 191) |
 * | anything else                           | to the channels of every matching route        |
 */
import type { AlarmEvent, AlarmEventType, Priority } from '../domain/types.js';

export interface Route {
  sites: readonly string[];
  priorities: readonly Priority[];
  events: readonly string[];
  channels: readonly string[];
}

export function notifiable(e: AlarmEvent): boolean {
  if (e.type === 'notified') return false;
  if (e.alarm.shelved || e.alarm.suppressed) return false;
  if (e.alarm.chattering && e.alarm.priority !== 'critical' && (e.type === 'raised' || e.type === 'cleared'))
    return false;
  return true;
}

export function routeEvent(e: AlarmEvent, routes: readonly Route[]): string[] {
  if (!notifiable(e)) return [];
  const out = new Set<string>();
  for (const r of routes)
    if (
      r.events.includes(e.type as AlarmEventType) &&
      r.priorities.includes(e.alarm.priority) &&
      r.sites.some((p) => siteMatches(p, e.alarm.site))
    )
      for (const c of r.channels) out.add(c);
  return [...out];
}

/** `*` matches any run of characters; everything else literally ("zjk-*", "*-station", "hx-station"). */
export function siteMatches(pattern: string, site: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*')) return pattern === site;
  const re = new RegExp(`^${pattern.split('*').map(escapeRe).join('.*')}$`);
  return re.test(site);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
