/**
 * Alarm-system KPIs (SPEC §11; ISA-18.2 clause 16 "monitoring and assessment", EEMUA 191 ch. 6),
 * computed from a history of alarm events. Pure: the same events give the same figures, whatever
 * their source (the journal in memory, InfluxDB `alarm_event`).
 *
 * - **Alarms per 10 minutes**: `raised` events per 10-minute window, windows aligned to `from`; the
 *   mean is the rate over the whole range (raised ÷ range in 10-minute units), the peak the busiest
 *   window. EEMUA 191: ~1 per 10 min is "very likely acceptable", ~2 "manageable".
 * - **Flood**: a window in which more than 10 alarms were raised at one site (SPEC §2); the share is
 *   flood windows ÷ windows. ISA-18.2 suggests under 1 % of the time in flood.
 * - **Standing over 24 h** (ISA-18.2 "stale alarms"): alarms whose standing interval — from the raise
 *   to the event that returned them to normal, or to `to` — lasted more than 24 h. An alarm already
 *   standing at `from` counts from its `raisedAt` when the source knows it (the journal does), else
 *   from `from`. `standingAtEnd` adds alarms standing at `to` with no event in the range.
 * - **Top ten**: the ten alarms raised most often (ISA-18.2: a handful of "bad actors" usually make
 *   most of the load).
 * - **Chattering**: alarms raised at least 3 times within 60 s (SPEC §2).
 * - **Priority distribution** against EEMUA 191's ~80 / 15 / 5 % low / medium / high. gaswatch has four
 *   priorities and the guidance three bands: `critical` (HiHi, second-level gas, ruptures — act at
 *   once) is the high band; `high` (first-level gas, stale and faulty sensors — act soon) the medium
 *   band; `medium` and `low` (advisories) the low band.
 */
import type { AlarmEventRow } from '../domain/ports.js';
import { PRIORITIES, type Priority } from '../domain/types.js';
import { getOrSet } from '../util/maps.js';

export const KPI_WINDOW = 10 * 60_000;
export const FLOOD_LIMIT = 10;
export const STANDING_LIMIT = 24 * 3600_000;
export const CHATTER = { raises: 3, within: 60_000 } as const;

/** EEMUA 191's three bands, the share it suggests, and which gaswatch priorities fall in each. */
export const PRIORITY_BANDS = [
  { band: 'high', priorities: ['critical'], guidance: 0.05 },
  { band: 'medium', priorities: ['high'], guidance: 0.15 },
  { band: 'low', priorities: ['medium', 'low'], guidance: 0.8 },
] as const satisfies readonly { band: string; priorities: readonly Priority[]; guidance: number }[];

export interface KpiInput {
  from: number;
  to: number;
  site: string | null;
  /** Events with from ≤ at < to, any order. */
  rows: readonly AlarmEventRow[];
  /** Alarms standing at `to` (when `to` is now: the alarm list), for those with no event in the range. */
  standingAtEnd?: readonly { id: string; site: string; raisedAt: number }[];
}

export interface AlarmCount {
  id: string;
  site: string;
  sensor: string;
  condition: string;
  priority: Priority;
  raised: number;
}

export interface KpiFigures {
  from: string;
  to: string;
  site: string | null;
  raised: number;
  per10min: { windows: number; mean: number; peak: number; peakAt: string | null };
  flood: { limit: number; windows: number; share: number };
  standing: { limitHours: number; count: number; alarms: { id: string; since: string; hours: number }[] };
  top: AlarmCount[];
  chattering: { count: number; alarms: { id: string; raised: number; mostWithin60s: number }[] };
  priorities: {
    counts: Record<Priority, number>;
    bands: { band: string; priorities: readonly Priority[]; count: number; share: number; guidance: number }[];
  };
}

const iso = (t: number) => new Date(t).toISOString();
const idOf = (r: AlarmEventRow) => `${r.site}/${r.sensor}/${r.condition}`;
/** Code-point order: the same on every machine, whatever its locale. */
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function computeKpis(input: KpiInput): KpiFigures {
  const { from, to } = input;
  const rows = input.rows
    .filter((r) => r.at >= from && r.at < to && r.condition !== 'flood' && (!input.site || r.site === input.site))
    .sort((a, b) => a.at - b.at);
  const raised = rows.filter((r) => r.type === 'raised');
  const windows = Math.max(1, Math.ceil((to - from) / KPI_WINDOW));

  // Per window: the total and each site's count.
  const total = new Array<number>(windows).fill(0);
  const bySite = new Map<string, number[]>();
  for (const r of raised) {
    const w = Math.min(windows - 1, Math.floor((r.at - from) / KPI_WINDOW));
    total[w] = (total[w] as number) + 1;
    const s = getOrSet(bySite, r.site, () => new Array<number>(windows).fill(0));
    s[w] = (s[w] as number) + 1;
  }
  let peak = 0;
  let peakAt: string | null = null;
  total.forEach((n, w) => {
    if (n > peak) [peak, peakAt] = [n, iso(from + w * KPI_WINDOW)];
  });
  let flooded = 0;
  for (let w = 0; w < windows; w++) if ([...bySite.values()].some((s) => (s[w] as number) > FLOOD_LIMIT)) flooded++;

  // Raises per alarm: the top ten, chattering.
  const counts = new Map<string, AlarmCount & { times: number[] }>();
  for (const r of raised) {
    const id = idOf(r);
    const c = getOrSet(counts, id, () => ({
      id,
      site: r.site,
      sensor: r.sensor,
      condition: r.condition,
      priority: r.priority,
      raised: 0,
      times: [] as number[],
    }));
    c.raised++;
    c.times.push(r.at);
  }
  const top = [...counts.values()]
    .sort((a, b) => b.raised - a.raised || byId(a, b))
    .slice(0, 10)
    .map(({ times: _, ...c }) => c);
  const chattering = [...counts.values()]
    .map((c) => ({ id: c.id, raised: c.raised, mostWithin60s: mostWithin(c.times, CHATTER.within) }))
    .filter((c) => c.mostWithin60s >= CHATTER.raises)
    .sort((a, b) => b.mostWithin60s - a.mostWithin60s || byId(a, b));

  const prioCounts = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
  for (const r of raised) prioCounts[r.priority]++;
  const bands = PRIORITY_BANDS.map((b) => {
    const count = b.priorities.reduce((n, p) => n + prioCounts[p], 0);
    return { ...b, count, share: raised.length ? count / raised.length : 0 };
  });

  const standing = standingOver(rows, input, STANDING_LIMIT);
  return {
    from: iso(from),
    to: iso(to),
    site: input.site,
    raised: raised.length,
    per10min: { windows, mean: raised.length / ((to - from) / KPI_WINDOW), peak, peakAt },
    flood: { limit: FLOOD_LIMIT, windows: flooded, share: flooded / windows },
    standing: { limitHours: STANDING_LIMIT / 3600_000, count: standing.length, alarms: standing.slice(0, 50) },
    top,
    chattering: { count: chattering.length, alarms: chattering },
    priorities: { counts: prioCounts, bands },
  };
}

/** The most of `times` (ascending) inside any window of `within` ms. */
function mostWithin(times: readonly number[], within: number): number {
  let best = 0;
  let i = 0;
  for (let j = 0; j < times.length; j++) {
    while ((times[j] as number) - (times[i] as number) >= within) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

/** Alarms that stood longer than `limit` within the range; longest first. */
function standingOver(rows: readonly AlarmEventRow[], input: KpiInput, limit: number) {
  const out: { id: string; since: string; hours: number }[] = [];
  const note = (id: string, start: number, end: number) => {
    if (end - start > limit)
      out.push({ id, since: iso(start), hours: Math.round(((end - start) / 3600_000) * 10) / 10 });
  };
  const open = new Map<string, number>();
  const seen = new Set<string>();
  for (const r of rows) {
    const id = idOf(r);
    const first = !seen.has(id);
    seen.add(id);
    let start = open.get(id);
    if (start === undefined && (r.type === 'raised' || (first && r.state !== 'normal'))) {
      start = r.type === 'raised' ? r.at : (r.raisedAt ?? input.from);
      open.set(id, start);
    }
    if (start !== undefined && r.state === 'normal') {
      note(id, start, r.at);
      open.delete(id);
    }
  }
  for (const [id, start] of open) note(id, start, input.to);
  for (const s of input.standingAtEnd ?? [])
    if (!seen.has(s.id) && (!input.site || s.site === input.site)) note(s.id, s.raisedAt, input.to);
  return out.sort((a, b) => b.hours - a.hours || byId(a, b));
}
