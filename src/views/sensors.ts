/**
 * The sensors as the console and `GET /api/sensors` show them (SPEC §8): last value, time and status
 * (`ok|stale|fault|maintenance|unconfigured`) and the last hour's trend. A read model, fed from the
 * readings stream and the alarm stream: it decides nothing, it only remembers what went by.
 *
 * Readings from sensors no config declares are shown as *unconfigured* (SPEC §1); they are tracked
 * up to a bound, least recently heard out first (recent-keys.ts), so that a flood of invented topics
 * can neither exhaust memory nor hide a sensor that is still publishing.
 */
import { inMaintenance, type SensorDef, type SiteDef } from '../domain/sensor.js';
import type { AlarmBatch, AlarmRecord, Reading, ReadingStatus, SensorSnapshot, SensorStatus } from '../domain/types.js';
import type { Clock } from '../util/clock.js';
import { RecentKeys } from './recent-keys.js';
import { TrendStore } from './trend.js';

interface Seen {
  site: string;
  sensor: string;
  value: number | null;
  ts: number | null;
  status: ReadingStatus | null;
  /** Handle in the view's TrendStore; -1 until the first finite reading. */
  trend: number;
  /** The sensor's fault / stale alarm is active. */
  fault: boolean;
  stale: boolean;
}

/** Undeclared sensors shown at most (least recently heard evicted first). */
const MAX_UNCONFIGURED = 10_000;

export class SensorView {
  private sites = new Map<string, SiteDef>();
  private readonly seen = new Map<string, Seen>();
  private readonly unconfigured: RecentKeys;
  /** Every sensor's last hour in a few shared typed arrays (trend.ts): ~30 B a sensor to start. */
  private readonly trends = new TrendStore();

  constructor(private readonly deps: { clock: Clock; maxUnconfigured?: number }) {
    this.unconfigured = new RecentKeys(deps.maxUnconfigured ?? MAX_UNCONFIGURED);
  }

  /**
   * A (new) config: a sensor it declares leaves the unconfigured list; one it no longer declares
   * joins it if it has been heard, else is forgotten.
   */
  applyConfig(sites: Map<string, SiteDef>): void {
    this.sites = sites;
    for (const [key, s] of [...this.seen]) {
      if (this.def(s.site, s.sensor)) this.unconfigured.delete(key);
      else if (s.ts !== null) this.track(key);
      else {
        this.trends.release(s.trend);
        this.seen.delete(key);
      }
    }
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
    const s = this.entry(r.site, r.sensor);
    // A reading older than the one shown (a replayed buffer, a redelivery) does not replace it.
    if (s.ts !== null && r.ts < s.ts) return;
    s.value = r.value;
    s.ts = r.ts;
    s.status = r.status;
    if (Number.isFinite(r.value)) s.trend = this.trends.add(s.trend, r.ts, r.value);
  }

  onAlarms(batch: AlarmBatch): void {
    for (const e of batch.events) this.noteAlarm(e.alarm);
  }

  list(): SensorSnapshot[] {
    const now = this.deps.clock.now();
    const out: SensorSnapshot[] = [];
    for (const site of this.sites.values())
      for (const def of site.sensors.values()) {
        const s = this.seen.get(`${def.site}/${def.id}`);
        let status: SensorStatus = 'ok';
        if (s?.status === 'maintenance' || s?.status === 'calibrating' || inMaintenance(site, def, now))
          status = 'maintenance';
        else if (s?.fault) status = 'fault';
        else if (s?.stale) status = 'stale';
        out.push({
          site: def.site,
          sensor: def.id,
          name: def.name ?? null,
          kind: def.kind,
          asset: def.asset ?? null,
          unit: def.unit,
          value: s?.value ?? null,
          ts: s?.ts == null ? null : new Date(s.ts).toISOString(),
          status,
          configured: true,
          ...calibration(def),
        });
      }
    for (const s of this.seen.values()) {
      if (s.ts === null || this.def(s.site, s.sensor)) continue;
      out.push({
        site: s.site,
        sensor: s.sensor,
        name: null,
        kind: null,
        asset: null,
        unit: null,
        value: s.value,
        ts: new Date(s.ts).toISOString(),
        status: 'unconfigured',
        configured: false,
        calibratedAt: null,
        calibrationDue: null,
      });
    }
    return out;
  }

  trend(site: string, sensor: string): { ts: number; value: number }[] | undefined {
    const s = this.seen.get(`${site}/${sensor}`);
    if (!s) return this.def(site, sensor) ? [] : undefined;
    return this.trends.points(s.trend, this.deps.clock.now());
  }

  private noteAlarm(r: AlarmRecord): void {
    // Fault and stale alarms belong to configured sensors; a closing event of a removed one is not news.
    if ((r.condition !== 'fault' && r.condition !== 'stale') || !this.def(r.site, r.sensor)) return;
    this.entry(r.site, r.sensor)[r.condition] = r.state === 'active_unacked' || r.state === 'active_acked';
  }

  private def(site: string, sensor: string) {
    return this.sites.get(site)?.sensors.get(sensor);
  }

  private entry(site: string, sensor: string): Seen {
    const key = `${site}/${sensor}`;
    let s = this.seen.get(key);
    if (!s) {
      s = { site, sensor, value: null, ts: null, status: null, trend: -1, fault: false, stale: false };
      this.seen.set(key, s);
    }
    if (!this.def(site, sensor)) this.track(key);
    return s;
  }

  /** Mark an undeclared sensor heard; forget the one evicted to make room. */
  private track(key: string): void {
    const evicted = this.unconfigured.touch(key);
    if (evicted === undefined) return;
    this.trends.release(this.seen.get(evicted)?.trend ?? -1);
    this.seen.delete(evicted);
  }
}

function calibration(def: SensorDef): { calibratedAt: string | null; calibrationDue: string | null } {
  const at = def.calibratedAt;
  const every = def.calibrationInterval;
  if (at === undefined || every === undefined) return { calibratedAt: null, calibrationDue: null };
  return { calibratedAt: new Date(at).toISOString(), calibrationDue: new Date(at + every).toISOString() };
}
