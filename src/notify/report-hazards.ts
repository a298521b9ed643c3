/**
 * The daily report's part about hidden hazards and alarm-system health (SPEC §11): per site the
 * hazards still open or waiting for verification, overdue ones first; for the whole report the
 * day's KPIs beside their EEMUA 191 / ISA-18.2 targets. Each text is one function, in the report's
 * language (`locale`, or the channel's), from the shared catalogues (`report.hazards.*`, `report.kpi.*`).
 */
import type { HazardRecord } from '../domain/hazards.js';
import type { Translate } from '../i18n/index.js';
import { hazardWhat } from './hazard-message.js';

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

export function hazardCountsLine(t: Translate, h: SiteHazards): string {
  return t('report.hazards.counts', { open: h.open, overdue: h.overdue, rectified: h.rectified });
}

export function hazardItem(t: Translate, i: SiteHazards['items'][number], time: (iso: string) => string): string {
  return t('report.hazards.item', {
    severity: t(`report.hazards.severity.${i.severity}`),
    what: hazardWhat(t, i),
    state: t(`report.hazards.state.${i.state}`),
    owner: i.owner ?? '—',
    when: t(i.overdue ? 'report.hazards.overdueSince' : 'report.hazards.due', { deadline: time(i.deadline) }),
  });
}

const pct = (x: number) => `${Math.round(x * 1000) / 10} %`;

export function kpiLines(t: Translate, k: ReportKpis): string[] {
  const sep = t('list.separator');
  const bands = k.priorities.bands
    .map((b) =>
      t('report.kpi.band', { band: t(`report.kpi.bands.${b.band}`), share: pct(b.share), guidance: pct(b.guidance) }),
    )
    .join(sep);
  const top = k.top
    .slice(0, 3)
    .map((x) => t('report.kpi.topItem', { id: x.id, count: x.raised }))
    .join(sep);
  return [
    t('report.kpi.summary', {
      raised: k.raised,
      mean: Math.round(k.per10min.mean * 100) / 100,
      peak: k.per10min.peak,
      flood: pct(k.flood.share),
      standing: k.standing.count,
      chattering: k.chattering.count,
    }),
    ...(k.raised ? [t('report.kpi.priorities', { list: bands })] : []),
    ...(top ? [t('report.kpi.top', { list: top })] : []),
  ];
}
