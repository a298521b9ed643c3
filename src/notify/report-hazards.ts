/**
 * The daily report's part about hidden hazards and alarm-system health (SPEC §11): per site the
 * hazards still open or waiting for verification, overdue ones first; for the whole report the
 * day's KPIs beside their EEMUA 191 / ISA-18.2 targets. Each text is one function, in English, so
 * that it can move into the message catalogues (`locale`) as it is.
 */
import type { HazardRecord } from '../domain/hazards.js';

/** The KPI figures the report shows (kpis/compute.ts gives them; only their shape is needed here). */
export interface ReportKpis {
  raised: number;
  per10min: { mean: number; peak: number };
  flood: { share: number };
  standing: { count: number };
  chattering: { count: number };
  priorities: { bands: readonly { band: string; share: number; guidance: number }[] };
  top: readonly { id: string; raised: number }[];
}

export interface ReportHazardSource {
  /** The live hazards (open and rectified). */
  hazards?(): HazardRecord[];
  /** The KPIs of [from, to). */
  kpis?(from: number, to: number): ReportKpis;
}

export interface SiteHazards {
  open: number;
  rectified: number;
  overdue: number;
  items: Pick<HazardRecord, 'id' | 'sensor' | 'kind' | 'severity' | 'state' | 'owner' | 'deadline' | 'overdue'>[];
}

export function siteHazards(list: readonly HazardRecord[], site: string): SiteHazards {
  const mine = list.filter((h) => h.site === site && h.state !== 'verified');
  return {
    open: mine.filter((h) => h.state === 'open').length,
    rectified: mine.filter((h) => h.state === 'rectified').length,
    overdue: mine.filter((h) => h.overdue).length,
    items: mine.map(({ id, sensor, kind, severity, state, owner, deadline, overdue }) => ({
      id,
      sensor,
      kind,
      severity,
      state,
      owner,
      deadline,
      overdue,
    })),
  };
}

export function hazardCountsLine(h: SiteHazards): string {
  return `Hidden hazards: ${h.open} open (${h.overdue} overdue), ${h.rectified} waiting for verification`;
}

export function hazardItem(i: SiteHazards['items'][number], time: (iso: string) => string): string {
  const what = `${i.id}${i.sensor ? ` ${i.sensor}` : ''} ${i.kind}`;
  const when = i.overdue ? `OVERDUE since ${time(i.deadline)}` : `due ${time(i.deadline)}`;
  return `[${i.severity}] ${what}, ${i.state}, owner ${i.owner ?? '—'}, ${when}`;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;

export function kpiLines(k: ReportKpis): string[] {
  const bands = k.priorities.bands.map((b) => `${b.band} ${pct(b.share)} (guidance ${pct(b.guidance)})`).join(', ');
  const top = k.top
    .slice(0, 3)
    .map((t) => `${t.id} ×${t.raised}`)
    .join(', ');
  return [
    `Alarm system (EEMUA 191): ${k.raised} alarms, ${Math.round(k.per10min.mean * 100) / 100} per 10 minutes on ` +
      `average (peak ${k.per10min.peak}); in flood ${pct(k.flood.share)} of the time; ${k.standing.count} standing ` +
      `over 24 h; ${k.chattering.count} chattering.`,
    ...(k.raised ? [`Priorities: ${bands}.`] : []),
    ...(top ? [`Most frequent: ${top}.`] : []),
  ];
}
