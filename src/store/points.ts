/**
 * What gaswatch writes to InfluxDB (SPEC §5): the `reading` and `alarm_event` measurements. The
 * store knows the shape of the points; the rooms that produce readings and events know nothing of it.
 */
import type { AlarmEvent } from '../domain/types.js';
import type { FieldValue, Point } from './port.js';

/**
 * A reading as a point. The hot path makes one per reading and holds it until its batch is durable,
 * so it is one small object whose strings are the sensor's own (from the config, shared by every
 * reading of the sensor); `tags` and `fields` are built only when something asks (the spool, the
 * quarantine), and line-protocol.ts encodes it without them.
 */
export class ReadingPoint implements Point {
  constructor(
    readonly site: string,
    readonly sensor: string,
    readonly kind: string,
    /** '' when the sensor has no asset. */
    readonly asset: string,
    readonly unit: string,
    readonly configured: boolean,
    readonly value: number,
    readonly ts: number,
  ) {}

  get measurement(): 'reading' {
    return 'reading';
  }

  get tags(): Record<string, string> {
    return {
      site: this.site,
      sensor: this.sensor,
      kind: this.kind,
      asset: this.asset,
      unit: this.unit,
      configured: this.configured ? 'true' : 'false',
    };
  }

  get fields(): Record<string, FieldValue> {
    return { value: this.value };
  }

  toJSON(): Point {
    return { measurement: 'reading', tags: this.tags, fields: this.fields, ts: this.ts };
  }
}

/**
 * Readings are stored as float `value` always: InfluxDB 1.x fixes a field's type at first write,
 * so an integer 12 written first would make every later 12.5 a type conflict.
 */
export function readingPoint(r: {
  site: string;
  sensor: string;
  kind: string;
  asset: string | undefined;
  unit: string;
  configured: boolean;
  value: number;
  ts: number;
}): Point {
  return new ReadingPoint(r.site, r.sensor, r.kind, r.asset ?? '', r.unit, r.configured, r.value, r.ts);
}

/** An alarm event as a point of measurement `alarm_event`. */
export function alarmEventPoint(e: AlarmEvent): Point {
  const a = e.alarm;
  const fields: Record<string, number | string> = { state: a.state };
  if (a.value !== null && Number.isFinite(a.value)) fields.value = a.value;
  if (a.threshold !== null && Number.isFinite(a.threshold)) fields.threshold = a.threshold;
  if (e.operator) fields.operator = e.operator;
  if (e.comment) fields.comment = e.comment;
  fields.message = a.message;
  return {
    measurement: 'alarm_event',
    tags: { site: a.site, sensor: a.sensor, condition: a.condition, priority: a.priority, type: e.type },
    fields,
    ts: Date.parse(e.at),
  };
}
