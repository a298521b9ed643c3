/**
 * What the HTTP room needs from the rest of the daemon. The composition root (src/app.ts) passes
 * implementations; the HTTP code knows nothing of MQTT or InfluxDB.
 */
import type { HazardBatch, HazardCommandResult, HazardRecord, HazardSeverity, HazardState } from '../domain/hazards.js';
import type { AlarmEvent, AlarmRecord, AlarmState, CommandResult, Reading, SensorSnapshot } from '../domain/types.js';

export type { CommandResult, SensorSnapshot };

export interface AlarmsApi {
  /** Active and cleared-unacked alarms (not `normal`), optionally filtered by state. */
  list(filter?: { states?: AlarmState[] }): AlarmRecord[];
  /** The alarm journal, newest first. */
  history(q?: { limit?: number; site?: string; sensor?: string; type?: string; since?: number }): AlarmEvent[];
  ack(id: string, operator: string, comment: string | null): CommandResult;
  shelve(id: string, operator: string, minutes: number, reason: string): CommandResult;
  unshelve(id: string, operator: string): CommandResult;
}

/** What the console shows of a site besides its sensors: its name as written, and its time zone. */
export interface SiteInfo {
  name: string | null;
  /** IANA zone the console shows the site's times in. */
  timezone: string;
}

export interface SensorsApi {
  list(): SensorSnapshot[];
  /** Name and time zone of a site (any id: an undeclared site gets the default zone). */
  site?(id: string): SiteInfo;
  /** The last hour, oldest first, in the sensor's unit; undefined for an unknown sensor. */
  trend(site: string, sensor: string): { ts: number; value: number }[] | undefined;
  /** The sensor's level setpoints in its own unit (what its trend is drawn against); none when unknown. */
  setpoints?(site: string, sensor: string): TrendSetpoint[];
}

/** A level setpoint as the trend draws it: in the sensor's unit, highest first. */
export interface TrendSetpoint {
  condition: string;
  priority: string;
  value: number;
}

export interface LiveFeed {
  onAlarmEvent(fn: (e: AlarmEvent) => void): () => void;
  onReading(fn: (r: Reading) => void): () => void;
  /** What leaves the hazard register (SPEC §11); absent when the daemon has no register. */
  onHazards?(fn: (batch: HazardBatch) => void): () => void;
}

export interface HealthApi {
  /** Ready once config is loaded and MQTT connected; else the reasons (a node of a pair adds its role). */
  readiness(): { ready: boolean; reasons: string[] };
}

/** A node of a hot-standby pair (docs/ha.md): which role it has, and which node holds the partition. */
export interface HaApi {
  role(): {
    node: string;
    role: string;
    term: number;
    active: { node: string; term: number; online: boolean } | null;
    peers: Record<string, string>;
  };
}

/** The hazard register as the API sees it (SPEC §11). Commands resolve once the change is on disk. */
export interface HazardsApi {
  /** Live hazards (open, rectified) unless `states` says otherwise; overdue first. */
  list(filter?: { states?: readonly HazardState[]; site?: string }): HazardRecord[];
  register(
    h: { site: string; sensor: string | null; severity: HazardSeverity; description: string },
    by: string,
  ): Promise<HazardCommandResult>;
  rectify(id: string, by: string, note: string | null): Promise<HazardCommandResult>;
  verify(id: string, by: string, note: string | null): Promise<HazardCommandResult>;
  reopen(id: string, by: string, note: string | null): Promise<HazardCommandResult>;
}

/** Alarm-system KPIs of a time range (SPEC §11); rejects when the stored history cannot be read. */
export interface KpisApi {
  compute(from: number, to: number, site: string | null): Promise<object>;
}
