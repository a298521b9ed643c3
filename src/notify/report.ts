/**
 * The daily report (SPEC §9): per site, the alarms raised in the last 24 hours, those still
 * unacknowledged, sensors stale or in fault, and shelved alarms. `buildDailyReport` is a plain
 * function of the engine's state and a time, so it is tested without cron; `reportNotification`
 * renders it once for every channel.
 */
import type { SiteDef } from '../domain/sensor.js';
import type { SensorSnapshot } from '../domain/types.js';
import { type AlarmEvent, type AlarmRecord, PRIORITIES, type Priority } from '../domain/types.js';
import { DEFAULT_LOCALE, type Locale, translator } from '../i18n/index.js';
import { formatTime } from '../util/zoned-time.js';
import type { Notification } from './message.js';
import {
  hazardCountsLine,
  hazardItem,
  kpiLines,
  type ReportHazardSource,
  type ReportKpis,
  type SiteHazards,
  siteHazards,
} from './report-hazards.js';

export interface ReportSource extends ReportHazardSource {
  list(): AlarmRecord[];
  history(q: { limit?: number; site?: string; sensor?: string; type?: string; since?: number }): AlarmEvent[];
  sensorsApi(): { list(): SensorSnapshot[] };
  /** Every alarm in the book, shelved normal ones included. */
  entries(): { record: AlarmRecord }[];
}

export interface SiteReport {
  site: string;
  name: string;
  raised: number;
  raisedByPriority: Record<Priority, number>;
  acked: number;
  escalated: number;
  floods: number;
  unacked: { id: string; priority: Priority; state: string; raisedAt: string | null; message: string }[];
  sensors: { sensor: string; status: 'stale' | 'fault'; lastReading: string | null }[];
  shelved: { id: string; by: string | null; until: string | null; reason: string | null }[];
  /** Hidden hazards still live (SPEC §11), when the register is there. */
  hazards?: SiteHazards;
}

export interface DailyReport {
  from: string;
  to: string;
  sites: SiteReport[];
  totals: { raised: number; unacked: number; sensors: number; shelved: number; sites: number; quietSites: number };
  /** The period's alarm-system KPIs (SPEC §11). */
  kpis?: ReportKpis;
}

export const REPORT_PERIOD = 24 * 3600_000;

export function buildDailyReport(
  engine: ReportSource,
  sites: ReadonlyMap<string, SiteDef>,
  now: number,
  period = REPORT_PERIOD,
): DailyReport {
  const from = now - period;
  const bySite = new Map<string, SiteReport>();
  const site = (id: string): SiteReport => {
    let s = bySite.get(id);
    if (!s) {
      s = {
        site: id,
        name: sites.get(id)?.name ?? id,
        raised: 0,
        raisedByPriority: Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>,
        acked: 0,
        escalated: 0,
        floods: 0,
        unacked: [],
        sensors: [],
        shelved: [],
      };
      bySite.set(id, s);
    }
    return s;
  };
  for (const id of [...sites.keys()].sort()) site(id);

  for (const e of engine.history({ since: from, limit: Number.POSITIVE_INFINITY })) {
    if (Date.parse(e.at) > now) continue;
    const s = site(e.alarm.site);
    if (e.type === 'raised') {
      s.raised++;
      s.raisedByPriority[e.alarm.priority]++;
    } else if (e.type === 'acked') s.acked++;
    else if (e.type === 'escalated') s.escalated++;
    else if (e.type === 'flood' && e.alarm.state !== 'normal') s.floods++;
  }
  for (const r of engine.list())
    if (r.state === 'active_unacked' || r.state === 'cleared_unacked')
      site(r.site).unacked.push({
        id: r.id,
        priority: r.priority,
        state: r.state,
        raisedAt: r.raisedAt,
        message: r.message,
      });
  for (const snap of engine.sensorsApi().list())
    if (snap.status === 'stale' || snap.status === 'fault')
      site(snap.site).sensors.push({ sensor: snap.sensor, status: snap.status, lastReading: snap.ts });
  for (const { record: r } of engine.entries())
    if (r.shelved)
      site(r.site).shelved.push({
        id: r.id,
        by: r.shelvedBy ?? null,
        until: r.shelvedUntil ?? null,
        reason: r.shelveReason ?? null,
      });

  const hazards = engine.hazards?.();
  if (hazards) {
    for (const h of hazards) site(h.site);
    for (const s of bySite.values()) s.hazards = siteHazards(hazards, s.site);
  }

  const list = [...bySite.values()];
  for (const s of list) s.sensors.sort((a, b) => a.sensor.localeCompare(b.sensor));
  const quiet = list.filter(isQuiet).length;
  return {
    from: new Date(from).toISOString(),
    to: new Date(now).toISOString(),
    sites: list,
    totals: {
      raised: sum(list, (s) => s.raised),
      unacked: sum(list, (s) => s.unacked.length),
      sensors: sum(list, (s) => s.sensors.length),
      shelved: sum(list, (s) => s.shelved.length),
      sites: list.length,
      quietSites: quiet,
    },
    ...(engine.kpis ? { kpis: engine.kpis(from, now) } : {}),
  };
}

export function isQuiet(s: SiteReport): boolean {
  const hazards = s.hazards ? s.hazards.items.length : 0;
  return s.raised === 0 && s.unacked.length === 0 && s.sensors.length === 0 && s.shelved.length === 0 && !hazards;
}

function sum(list: SiteReport[], f: (s: SiteReport) => number): number {
  return list.reduce((n, s) => n + f(s), 0);
}

/**
 * The report as a message in `locale`: sites with something to say in full, the quiet ones
 * counted. The webhook gets the report itself, language-neutral, beside the rendered title.
 */
export function reportNotification(
  report: DailyReport,
  timezone: string | undefined,
  locale: Locale = DEFAULT_LOCALE,
): Notification {
  const tr = translator(locale);
  const t = (iso: string | null) => formatTime(iso, timezone);
  const day = t(report.to).slice(0, 10);
  const T = report.totals;
  const title = tr('report.title', { day, raised: T.raised, unacked: T.unacked });
  const text: string[] = [];
  const md: string[] = [];
  const para = (line: string, mdLine = line) => {
    text.push(line);
    md.push(mdLine);
  };
  para(
    tr('report.intro', {
      from: t(report.from),
      to: t(report.to),
      zone: timezone ? tr('report.zone', { zone: timezone }) : '',
      raised: T.raised,
      unacked: T.unacked,
      sensors: T.sensors,
      shelved: T.shelved,
      sites: T.sites,
    }),
  );
  const list = (head: string, items: string[]) => {
    if (!items.length) return;
    const h = tr('report.listHead', { head, count: items.length });
    text.push(`  ${h}:`, ...items.map((i) => `    - ${i}`));
    md.push(`**${h}**\n${items.map((i) => `- ${i}`).join('\n')}`);
  };
  const sep = tr('list.separator');
  if (report.kpis) for (const line of kpiLines(tr, report.kpis)) para(line);
  for (const s of report.sites) {
    if (isQuiet(s)) continue;
    const name = s.name === s.site ? s.site : tr('report.siteNamed', { name: s.name, id: s.site });
    para('', '');
    para(name, `#### ${name}`);
    const prio = PRIORITIES.filter((p) => s.raisedByPriority[p] > 0)
      .map((p) => tr('report.priorityCount', { priority: tr(`report.priority.${p}`), count: s.raisedByPriority[p] }))
      .join(sep);
    const counts =
      tr('report.counts', {
        raised: s.raised,
        byPriority: prio ? tr('report.byPriority', { list: prio }) : '',
        acked: s.acked,
        escalated: s.escalated,
      }) + (s.floods ? tr('report.floods', { count: s.floods }) : '');
    para(`  ${counts}`, counts);
    list(
      tr('report.unacked'),
      s.unacked.map((u) =>
        tr('report.unackedItem', {
          priority: tr(`report.priority.${u.priority}`),
          id: u.id,
          state: tr(`report.state.${u.state}`),
          since: t(u.raisedAt),
          message: u.message,
        }),
      ),
    );
    list(
      tr('report.sensors'),
      s.sensors.map((x) =>
        tr('report.sensorItem', {
          sensor: x.sensor,
          status: tr(`report.status.${x.status}`),
          last: x.lastReading ? t(x.lastReading) : tr('report.never'),
        }),
      ),
    );
    list(
      tr('report.shelved'),
      s.shelved.map((x) =>
        tr(x.reason ? 'report.shelvedItemReason' : 'report.shelvedItem', {
          id: x.id,
          by: x.by ?? tr('report.unknown'),
          until: t(x.until),
          reason: x.reason,
        }),
      ),
    );
    if (s.hazards?.items.length) {
      const counts = hazardCountsLine(tr, s.hazards);
      para(`  ${counts}`, counts);
      list(
        tr('report.hazards.head'),
        s.hazards.items.map((i) => hazardItem(tr, i, t)),
      );
    }
  }
  if (T.quietSites) {
    para('', '');
    para(tr('report.quiet', { count: T.quietSites }));
  }
  const critical = report.sites.some((s) => s.unacked.some((u) => u.priority === 'critical'));
  return {
    key: `daily-report#${day}`,
    priority: critical ? 'critical' : 'low',
    title,
    text: [title, '', ...text].join('\n'),
    markdown: [`### ${title}`, ...md.filter(Boolean)].join('\n\n'),
    payload: { type: 'report', title, locale, report },
  };
}
