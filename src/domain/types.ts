/** Pure domain types shared by every room of the daemon. No I/O here. */
import { SYSTEM_SITE_ID } from './ids.js';

export const SENSOR_KINDS = ['pressure', 'gas', 'temperature', 'level', 'flow'] as const;
export type SensorKind = (typeof SENSOR_KINDS)[number];

export const READING_STATUSES = ['ok', 'fault', 'maintenance', 'calibrating'] as const;
export type ReadingStatus = (typeof READING_STATUSES)[number];

export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Level conditions in the order of the scale. */
export const LEVEL_CONDITIONS = ['lolo', 'lo', 'hi', 'hihi'] as const;
export type LevelCondition = (typeof LEVEL_CONDITIONS)[number];
export const CONDITIONS = [...LEVEL_CONDITIONS, 'roc', 'fault', 'stale'] as const;
export type Condition = (typeof CONDITIONS)[number];

/** ISA-18.2 alarm states (SPEC §3). */
export const ALARM_STATES = ['normal', 'active_unacked', 'active_acked', 'cleared_unacked'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/** The pseudo-site of alarms about gaswatch itself (`_gaswatch/{name}/system`); reserved (SPEC §4). */
export const SYSTEM_SITE = SYSTEM_SITE_ID;

/** Sensor status as shown on /api/sensors and the console. */
export type SensorStatus = 'ok' | 'stale' | 'fault' | 'maintenance' | 'unconfigured';

/** A reading as decoded from the wire: value still in the unit it was sent in. */
export interface RawReading {
  value: number;
  /** Epoch milliseconds. */
  ts: number;
  /** Unit given in the payload, or undefined for "the sensor's configured unit". */
  unit: string | undefined;
  status: ReadingStatus;
}

/** A reading after topic parsing and unit conversion: value in the sensor's configured unit. */
export interface Reading {
  site: string;
  sensor: string;
  value: number;
  ts: number;
  unit: string;
  status: ReadingStatus;
  /** False when no config declares this sensor. */
  configured: boolean;
  /** Set when decoding already knows the reading is a fault (NAMUR NE43 loop current). */
  fault?: FaultCause | undefined;
}

/**
 * Why a reading is a fault, as data: the alarm message says it in the configured language
 * (`message.faultCause.{code}` in the catalogues).
 */
export type FaultCause =
  | { code: 'status' }
  | { code: 'nonFinite' }
  | { code: 'range'; value: number; min: number; max: number; unit: string }
  | { code: 'namur'; current: number }
  | { code: 'recovered' };

export type AlarmId = `${string}/${string}/${string}`;

export function alarmId(site: string, sensor: string, condition: string): AlarmId {
  return `${site}/${sensor}/${condition}`;
}

/** The alarm record of SPEC §3, as published on MQTT and served by the API. */
export interface AlarmRecord {
  id: string;
  site: string;
  sensor: string;
  condition: Condition | 'flood' | 'system';
  priority: Priority;
  state: AlarmState;
  shelved: boolean;
  suppressed: boolean;
  value: number | null;
  threshold: number | null;
  unit: string | null;
  message: string;
  raisedAt: string | null;
  clearedAt: string | null;
  ackedAt: string | null;
  ackedBy: string | null;
  comment: string | null;
  /** Extension: set when the alarm chatters (≥ 3 raise/clear cycles in 60 s). */
  chattering?: boolean;
  /** Extension: shelve details while shelved. */
  shelvedBy?: string | null;
  shelvedUntil?: string | null;
  shelveReason?: string | null;
}

export const ALARM_EVENT_TYPES = [
  'raised',
  'cleared',
  'acked',
  'shelved',
  'unshelved',
  'suppressed',
  'unsuppressed',
  'escalated',
  'notified',
  'realarmed',
  'chattering',
  'flood',
  'closed',
] as const;
export type AlarmEventType = (typeof ALARM_EVENT_TYPES)[number];

export interface AlarmEvent {
  type: AlarmEventType;
  /** ISO-8601 time of the transition. */
  at: string;
  alarm: AlarmRecord;
  /** Who caused it, for operator actions. */
  operator?: string | null;
  comment?: string | null;
}

/** What leaves the alarm book in one transaction: its events, in order (possibly none, when only
 * the book itself changed and must be saved). */
export interface AlarmBatch {
  events: readonly AlarmEvent[];
}

/** The outcome of an operator command (ack, shelve, unshelve), for the API and the MQTT result topic. */
export type CommandResult =
  | { ok: true; alarm: AlarmRecord }
  | { ok: false; code: 'not_found' | 'invalid_state' | 'bad_request' | 'standby'; message: string };

/** A sensor as the console and `GET /api/sensors` show it (SPEC §8). */
export interface SensorSnapshot {
  site: string;
  sensor: string;
  name: string | null;
  kind: SensorKind | null;
  asset: string | null;
  unit: string | null;
  value: number | null;
  /** ISO-8601 time of the last reading, or null when never heard from. */
  ts: string | null;
  status: SensorStatus;
  configured: boolean;
  /** Date of the last calibration and when the next is due (ISO-8601), from the site file; null when not given. */
  calibratedAt?: string | null;
  calibrationDue?: string | null;
}
