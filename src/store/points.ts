/**
 * What gaswatch writes to InfluxDB (SPEC §5): the `reading` and `alarm_event` measurements. The
 * store knows the shape of the points; the rooms that produce readings and events know nothing of it.
 */
import type { AlarmEvent } from '../domain/types.js';
import type { Point } from './port.js';

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
  return {
    measurement: 'reading',
    tags: {
      site: r.site,
      sensor: r.sensor,
      kind: r.kind,
      asset: r.asset ?? '',
      unit: r.unit,
      configured: r.configured ? 'true' : 'false',
    },
    fields: { value: r.value },
    ts: r.ts,
  };
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
