/**
 * The sensors as the console and `GET /api/sensors` show them (SPEC §8): last value, time and status
 * (`ok|stale|fault|maintenance|unconfigured`) and the last hour's trend. A read model, fed from the
 * readings stream and the alarm stream: it decides nothing, it only remembers what went by.
 *
 * Configured sensors are kept in columns by their config index (columns.ts: a fleet of 100k costs
 * ~2 MB, not ~10). Readings from sensors no config declares are shown as *unconfigured* (SPEC §1);
 * they are tracked up to a bound, least recently heard out first (recent-keys.ts), so that a flood of
 * invented topics can neither exhaust memory nor hide a sensor that is still publishing.
 */
import { inMaintenance, type SensorDef, type SiteDef, sensorRows } from '../domain/sensor.js';
import type { AlarmBatch, AlarmRecord, Reading, SensorSnapshot, SensorStatus } from '../domain/types.js';
import type { Clock } from '../util/clock.js';
import { FAULT, SensorColumns, STALE } from './columns.js';
import { RecentKeys } from './recent-keys.js';
import { TrendStore } from './trend.js';

/** An undeclared sensor heard from. */
interface Undeclared {
  site: string;
  sensor: string;
  value: number;
  ts: number;
  trend: number;
}

/** Undeclared sensors shown at most (least recently heard evicted first). */
const MAX_UNCONFIGURED = 10_000;

export class SensorView {
  private sites = new Map<string, SiteDef>();
  private rows = new SensorColumns(0);
  /** Undeclared sensors, per site, per sensor. */
  private readonly undeclared = new Map<string, Map<string, Undeclared>>();
  private readonly unconfigured: RecentKeys;
  /** Every sensor's last hour in a few shared typed arrays (trend.ts): ~30 B a sensor to start. */
  private readonly trends = new TrendStore();

  constructor(private readonly deps: { clock: Clock; maxUnconfigured?: number }) {
    this.unconfigured = new RecentKeys(deps.maxUnconfigured ?? MAX_UNCONFIGURED);
  }

  /**
   * A (new) config. Each sensor keeps what was seen of it, by site and id; one it no longer
   * declares joins the unconfigured list if it has been heard, else is forgotten; an undeclared one
   * it now declares leaves that list.
   */
  applyConfig(sites: Map<string, SiteDef>): void {
    const old = this.rows;
    const oldSites = this.sites;
    const rows = new SensorColumns(sensorRows(sites));
    for (const site of sites.values())
      for (const def of site.sensors.values()) {
        const was = oldSites.get(def.site)?.sensors.get(def.id);
        if (was) rows.copyRow(old, was.index, def.index);
        else {
          const u = this.undeclared.get(def.site)?.get(def.id);
          if (!u) continue;
          rows.value[def.index] = u.value;
          rows.ts[def.index] = u.ts;
          rows.trend[def.index] = u.trend;
          rows.status[def.index] = SensorColumns.statusCode('ok');
          this.drop(def.site, def.id, false);
        }
      }
    for (const site of oldSites.values())
      for (const def of site.sensors.values()) {
        if (sites.get(def.site)?.sensors.has(def.id)) continue;
        const ts = old.ts[def.index] as number;
        if (Number.isNaN(ts)) this.trends.release(old.trend[def.index] as number);
        else this.undeclare(def.site, def.id, old.value[def.index] as number, ts, old.trend[def.index] as number);
      }
    this.sites = sites;
    this.rows = rows;
  }

  /** Undeclared sensors listed now, and how many were evicted to keep that list bounded. */
  unconfiguredStats(): { tracked: number; evicted: number } {
    return { tracked: this.unconfigured.size, evicted: this.unconfigured.evicted };
  }

  /** Standing alarms at start (restored book): sensors in fault or stale show so at once. */
  seed(standing: readonly AlarmRecord[]): void {
    for (const r of standing) this.noteAlarm(r);
  }

  onReading(r: Reading): void {
    const def = this.def(r.site, r.sensor);
    if (!def) {
      this.heardUndeclared(r);
      return;
    }
    const { rows } = this;
    const i = def.index;
    // A reading older than the one shown (a replayed buffer, a redelivery) does not replace it.
    if (r.ts < (rows.ts[i] as number)) return;
    rows.value[i] = r.value;
    rows.ts[i] = r.ts;
    rows.status[i] = SensorColumns.statusCode(r.status);
    if (Number.isFinite(r.value)) rows.trend[i] = this.trends.add(rows.trend[i] as number, r.ts, r.value);
  }

  onAlarms(batch: AlarmBatch): void {
    for (const e of batch.events) this.noteAlarm(e.alarm);
  }

  list(): SensorSnapshot[] {
    const now = this.deps.clock.now();
    const { rows } = this;
    const out: SensorSnapshot[] = [];
    for (const site of this.sites.values())
      for (const def of site.sensors.values()) {
        const i = def.index;
        const reported = rows.statusOf(i);
        const flags = rows.flags[i] as number;
        let status: SensorStatus = 'ok';
        if (reported === 'maintenance' || reported === 'calibrating' || inMaintenance(site, def, now))
          status = 'maintenance';
        else if (flags & FAULT) status = 'fault';
        else if (flags & STALE) status = 'stale';
        const ts = rows.ts[i] as number;
        const heard = !Number.isNaN(ts);
        out.push({
          site: def.site,
          sensor: def.id,
          name: def.name ?? null,
          kind: def.kind,
          asset: def.asset ?? null,
          unit: def.unit,
          value: heard ? (rows.value[i] as number) : null,
          ts: heard ? new Date(ts).toISOString() : null,
          status,
          configured: true,
          ...calibration(def),
        });
      }
    for (const bySensor of this.undeclared.values())
      for (const u of bySensor.values())
        out.push({
          site: u.site,
          sensor: u.sensor,
          name: null,
          kind: null,
          asset: null,
          unit: null,
          value: u.value,
          ts: new Date(u.ts).toISOString(),
          status: 'unconfigured',
          configured: false,
          calibratedAt: null,
          calibrationDue: null,
        });
    return out;
  }

  trend(site: string, sensor: string): { ts: number; value: number }[] | undefined {
    const def = this.def(site, sensor);
    const handle = def ? (this.rows.trend[def.index] as number) : this.undeclared.get(site)?.get(sensor)?.trend;
    if (handle === undefined) return undefined;
    return this.trends.points(handle, this.deps.clock.now());
  }

  private noteAlarm(r: AlarmRecord): void {
    // Fault and stale alarms belong to configured sensors; a closing event of a removed one is not news.
    if (r.condition !== 'fault' && r.condition !== 'stale') return;
    const def = this.def(r.site, r.sensor);
    if (!def) return;
    const bit = r.condition === 'fault' ? FAULT : STALE;
    const active = r.state === 'active_unacked' || r.state === 'active_acked';
    const flags = this.rows.flags[def.index] as number;
    this.rows.flags[def.index] = active ? flags | bit : flags & ~bit;
  }

  private def(site: string, sensor: string): SensorDef | undefined {
    return this.sites.get(site)?.sensors.get(sensor);
  }

  private heardUndeclared(r: Reading): void {
    const u = this.undeclared.get(r.site)?.get(r.sensor);
    if (u && r.ts < u.ts) return;
    const trend = Number.isFinite(r.value) ? this.trends.add(u?.trend ?? -1, r.ts, r.value) : (u?.trend ?? -1);
    if (u) {
      u.value = r.value;
      u.ts = r.ts;
      u.trend = trend;
      this.unconfigured.touch(`${r.site}/${r.sensor}`);
    } else this.undeclare(r.site, r.sensor, r.value, r.ts, trend);
  }

  /** A sensor heard from that no config declares: listed, within the bound. */
  private undeclare(site: string, sensor: string, value: number, ts: number, trend: number): void {
    let bySensor = this.undeclared.get(site);
    if (!bySensor) {
      bySensor = new Map();
      this.undeclared.set(site, bySensor);
    }
    bySensor.set(sensor, { site, sensor, value, ts, trend });
    const evicted = this.unconfigured.touch(`${site}/${sensor}`);
    if (evicted === undefined) return;
    const at = evicted.indexOf('/');
    this.drop(evicted.slice(0, at), evicted.slice(at + 1), true);
  }

  /** No longer listed as undeclared: evicted (its trend released) or now declared (its trend kept). */
  private drop(site: string, sensor: string, release: boolean): void {
    const bySensor = this.undeclared.get(site);
    const u = bySensor?.get(sensor);
    if (!u) return;
    if (release) this.trends.release(u.trend);
    bySensor?.delete(sensor);
    if (bySensor?.size === 0) this.undeclared.delete(site);
    this.unconfigured.delete(`${site}/${sensor}`);
  }
}

function calibration(def: SensorDef): { calibratedAt: string | null; calibrationDue: string | null } {
  const at = def.calibratedAt;
  const every = def.calibrationInterval;
  if (at === undefined || every === undefined) return { calibratedAt: null, calibrationDue: null };
  return { calibratedAt: new Date(at).toISOString(), calibrationDue: new Date(at + every).toISOString() };
}
