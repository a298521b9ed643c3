import type { AlarmEvent } from '../domain/types.js';
import type { Point } from '../store/port.js';

/** An alarm event as an InfluxDB point of measurement `alarm_event` (SPEC §5). */
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
