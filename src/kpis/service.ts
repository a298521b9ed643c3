/**
 * Where the KPIs' events come from (SPEC §11): the journal in memory (the last 10 000 alarm
 * events, restored at start) covers the recent past exactly; for a range reaching further back the
 * older part comes from InfluxDB `alarm_event` through the store's narrow query port, and the two are
 * joined at the journal's oldest event, so nothing is counted twice and the newest events — which
 * may still be on their way to InfluxDB — come from memory.
 */
import type { AlarmEventHistory, AlarmEventRow } from '../domain/ports.js';
import type { AlarmEvent, AlarmRecord } from '../domain/types.js';
import { computeKpis, type KpiFigures } from './compute.js';

/** Events the journal keeps in memory (alarms/book.ts): a journal holding fewer has lost nothing. */
const JOURNAL_CAPACITY = 10_000;

/** Rows read from InfluxDB for one request at most: a year of a busy fleet is summarised, not loaded whole. */
export const MAX_STORED_ROWS = 200_000;

export interface KpiSources {
  /** The journal, newest first (the alarm room's history). */
  journal(): readonly AlarmEvent[];
  /** The alarms standing now. */
  standing(): readonly AlarmRecord[];
  /** InfluxDB, when enabled. */
  stored: AlarmEventHistory | undefined;
  now(): number;
}

export interface KpiReport extends KpiFigures {
  /** Where the events came from. */
  source: 'journal' | 'influxdb' | 'journal+influxdb';
  /** Not every event of the range could be read: the figures are a lower bound. */
  partial: string | null;
}

export function journalRow(e: AlarmEvent): AlarmEventRow {
  const a = e.alarm;
  return {
    at: Date.parse(e.at),
    type: e.type,
    site: a.site,
    sensor: a.sensor,
    condition: a.condition,
    priority: a.priority,
    state: a.state,
    raisedAt: a.raisedAt ? Date.parse(a.raisedAt) : undefined,
  };
}

export class KpiService {
  constructor(private readonly src: KpiSources) {}

  /** From the journal alone: the daily report's last 24 hours. */
  fromJournal(from: number, to: number, site: string | null = null): KpiReport {
    const { rows, oldest, full } = this.journal();
    return this.finish(from, to, site, rows, 'journal', full ? partialNote(from, oldest, false) : null);
  }

  async compute(from: number, to: number, site: string | null = null): Promise<KpiReport> {
    const { rows, oldest, full } = this.journal();
    const stored = this.src.stored;
    // Events older than the journal's oldest come from InfluxDB (when the journal is not full, that
    // finds what was stored before this state directory existed, if anything).
    const before = oldest ?? to;
    if (from >= before || !stored)
      return this.finish(from, to, site, rows, 'journal', full ? partialNote(from, oldest, !stored) : null);
    const older = await stored.alarmEvents({
      from,
      to: Math.min(to, before),
      site: site ?? undefined,
      limit: MAX_STORED_ROWS,
    });
    const source = rows.some((r) => r.at >= from && r.at < to) ? 'journal+influxdb' : 'influxdb';
    const partial = older.truncated
      ? `only the first ${MAX_STORED_ROWS} events before ${new Date(before).toISOString()} were read from InfluxDB`
      : null;
    return this.finish(from, to, site, [...older.rows, ...rows], source, partial);
  }

  /** The journal's rows, its oldest event, and whether older ones may have been dropped from memory. */
  private journal(): { rows: AlarmEventRow[]; oldest: number | undefined; full: boolean } {
    const events = this.src.journal();
    const last = events[events.length - 1];
    return {
      rows: events.map(journalRow),
      oldest: last ? Date.parse(last.at) : undefined,
      full: events.length >= JOURNAL_CAPACITY,
    };
  }

  private finish(
    from: number,
    to: number,
    site: string | null,
    rows: AlarmEventRow[],
    source: KpiReport['source'],
    partial: string | null,
  ): KpiReport {
    // Alarms standing now count up to `to` only when the range reaches the present.
    const reachesNow = to >= this.src.now() - 60_000;
    const standingAtEnd = reachesNow
      ? this.src
          .standing()
          .filter((r) => r.raisedAt && r.state !== 'normal' && r.condition !== 'flood')
          .map((r) => ({ id: r.id, site: r.site, raisedAt: Date.parse(r.raisedAt as string) }))
      : [];
    return { ...computeKpis({ from, to, site, rows, standingAtEnd }), source, partial };
  }
}

function partialNote(from: number, oldest: number | undefined, noStore: boolean): string | null {
  if (oldest === undefined || from >= oldest) return null;
  const at = new Date(oldest).toISOString();
  return noStore
    ? `InfluxDB is disabled: events before ${at} (the oldest in memory) are not counted`
    : `events before ${at} (the oldest in memory) are not counted`;
}
