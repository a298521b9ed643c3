/**
 * What gaswatch writes to InfluxDB about hidden hazards (SPEC §11): measurement `hazard_event`, one
 * point per register event. Tags `site`, `sensor` ("" when the hazard is about the whole site),
 * `kind`, `severity`, `type` and `id` (two hazards of one site can change in the same millisecond —
 * a pass finds both overdue — and must not overwrite each other's point); every field is written
 * with one type always, since InfluxDB 1.x fixes a field's type at its first write.
 */
import type { HazardEvent } from '../domain/hazards.js';
import type { Point } from './port.js';

export function hazardEventPoint(e: HazardEvent): Point {
  const h = e.hazard;
  const fields: Point['fields'] = {
    state: h.state,
    owner: h.owner ?? '',
    by: e.by,
    deadline: h.deadline,
    overdue: h.overdue,
    description: h.description,
  };
  if (e.note) fields.note = e.note;
  if (e.to) fields.to = e.to.name;
  return {
    measurement: 'hazard_event',
    tags: { site: h.site, sensor: h.sensor ?? '', kind: h.kind, severity: h.severity, type: e.type, id: h.id },
    fields,
    ts: Date.parse(e.at),
  };
}
