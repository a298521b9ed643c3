/** Resolved sensor definitions: profile and overrides merged, setpoints converted to the sensor unit. */
import type { LevelCondition, Priority, SensorKind } from './types.js';

export interface LevelSetpointDef {
  condition: LevelCondition;
  priority: Priority;
  /** Setpoint in the sensor's unit: what readings are compared with. */
  value: number;
  /** Deadband in the sensor's unit. */
  deadband: number;
  onDelay: number;
  offDelay: number;
  latch: boolean;
  realarmAfter: number | undefined;
  /** The setpoint as the operator wrote it: alarm records use this unit (SPEC §3). */
  display: { value: number; unit: string };
}

export interface RocDef {
  /** Limits in the sensor's unit. */
  rise: number | undefined;
  fall: number | undefined;
  per: number;
  priority: Priority;
  display: { rise: number | undefined; fall: number | undefined; unit: string };
}

export interface SensorDef {
  site: string;
  id: string;
  /**
   * Position of the sensor in the config it was resolved with (0 … n−1, in site-file order): the
   * rooms that keep something per sensor at a fleet's scale keep it in arrays by this index.
   */
  index: number;
  kind: SensorKind;
  name: string | undefined;
  asset: string | undefined;
  unit: string;
  gas: string | undefined;
  lel: number | undefined;
  molarMass: number | undefined;
  scale: readonly [number, number] | undefined;
  /** Valid range in the sensor's unit; outside is a fault. */
  range: readonly [number, number] | undefined;
  profile: string | undefined;
  interval: number;
  staleAfter: number;
  stalePriority: Priority;
  faultPriority: Priority;
  setpoints: LevelSetpointDef[];
  roc: RocDef | undefined;
  /** In maintenance by config: alarms suppressed. */
  maintenance: boolean;
  /** Epoch ms of the last calibration, and how long until the next is due (SPEC §11); both or neither. */
  calibratedAt?: number | undefined;
  calibrationInterval?: number | undefined;
}

export interface MaintenanceWindowDef {
  from: number;
  to: number;
  /** undefined: the whole site. */
  sensors: readonly string[] | undefined;
  reason: string | undefined;
}

export interface ResponsibleDef {
  name: string;
  role: string | undefined;
  phone: string | undefined;
  email: string | undefined;
  webhook: string | undefined;
  escalateAfter: number;
}

export interface SiteDef {
  id: string;
  name: string;
  type: 'storage' | 'station';
  /** IANA zone of the site's times (console, messages); undefined: the main file's `timezone`. */
  timezone: string | undefined;
  responsible: ResponsibleDef[];
  maintenance: MaintenanceWindowDef[];
  sensors: Map<string, SensorDef>;
}

/** Is the sensor in maintenance at `now` (config flag or a site window)? */
export function inMaintenance(site: SiteDef | undefined, sensor: SensorDef, now: number): boolean {
  if (sensor.maintenance) return true;
  if (!site) return false;
  return site.maintenance.some(
    (w) => now >= w.from && now < w.to && (w.sensors === undefined || w.sensors.includes(sensor.id)),
  );
}

/** Rows a config needs for per-sensor arrays: one past the highest `SensorDef.index` (0 … n−1). */
export function sensorRows(sites: ReadonlyMap<string, SiteDef>): number {
  let n = 0;
  for (const site of sites.values()) for (const def of site.sensors.values()) if (def.index >= n) n = def.index + 1;
  return n;
}
