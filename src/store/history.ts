/**
 * The store room's narrow read port for the alarm-system KPIs (SPEC §11): alarm events of a time
 * range from InfluxDB `alarm_event`. Only the store knows InfluxDB; the KPI room sees this through
 * `AlarmEventHistory` (domain/ports.ts). Reads go through npm `influx` 5.12 (the client that speaks
 * 1.6.7) with the same URL and credentials as the writer.
 */
import { InfluxDB } from 'influx';
import type { MainConfig } from '../config/schema.js';
import type { AlarmEventHistory, AlarmEventRow } from '../domain/ports.js';
import { PRIORITIES, type Priority } from '../domain/types.js';

const COLUMNS = ['time', 'state', 'type', 'site', 'sensor', 'condition', 'priority'] as const;

interface RawResult {
  results?: { error?: string; series?: { columns: string[]; values: unknown[][] }[] }[];
}

export class InfluxAlarmHistory implements AlarmEventHistory {
  private readonly db: InfluxDB;
  private readonly database: string;

  /** `ca`: the CA of InfluxDB's certificate for https:// (influx.tls.ca), as the writer uses. */
  constructor(influx: MainConfig['influx'], ca?: Buffer, timeoutMs = 30_000) {
    const url = new URL(influx.url);
    const username = influx.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
    const password = influx.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
    const protocol = url.protocol === 'https:' ? 'https' : 'http';
    this.database = influx.database;
    this.db = new InfluxDB({
      host: url.hostname,
      port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 8086,
      protocol,
      path: url.pathname === '/' ? '' : url.pathname.replace(/\/$/, ''),
      ...(ca ? { options: { ca } } : {}),
      database: influx.database,
      pool: { maxRetries: 0, requestTimeout: timeoutMs },
      ...(username === undefined ? {} : { username, password: password ?? '' }),
    });
  }

  async alarmEvents(q: { from: number; to: number; site?: string | undefined; limit: number }) {
    const where = [`time >= ${Math.floor(q.from)}ms`, `time < ${Math.ceil(q.to)}ms`];
    if (q.site !== undefined) where.push('"site" = $site');
    const sql =
      `SELECT ${COLUMNS.slice(1)
        .map((c) => `"${c}"`)
        .join(', ')} FROM "alarm_event" ` + `WHERE ${where.join(' AND ')} ORDER BY time ASC LIMIT ${q.limit + 1}`;
    const raw = (await this.db.queryRaw(sql, {
      database: this.database,
      precision: 'ms',
      method: 'POST',
      ...(q.site === undefined ? {} : { placeholders: { site: q.site } }),
    })) as RawResult;
    const result = raw.results?.[0];
    if (result?.error) throw new Error(`InfluxDB: ${result.error}`);
    const rows: AlarmEventRow[] = [];
    for (const series of result?.series ?? []) {
      const at = (name: string) => series.columns.indexOf(name);
      const idx = Object.fromEntries(COLUMNS.map((c) => [c, at(c)])) as Record<(typeof COLUMNS)[number], number>;
      for (const v of series.values) {
        const priority = String(v[idx.priority]) as Priority;
        rows.push({
          at: Number(v[idx.time]),
          type: String(v[idx.type]),
          site: String(v[idx.site]),
          sensor: String(v[idx.sensor]),
          condition: String(v[idx.condition]),
          priority: PRIORITIES.includes(priority) ? priority : 'low',
          state: String(v[idx.state]),
        });
      }
    }
    const truncated = rows.length > q.limit;
    return { rows: truncated ? rows.slice(0, q.limit) : rows, truncated };
  }
}
