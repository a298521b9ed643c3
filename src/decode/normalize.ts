/**
 * A decoded reading into the sensor's configured unit (SPEC §1–§2): a convertible unit is
 * converted, a 4–20 mA loop is scaled (NAMUR NE43 out-of-band currents become faults), anything else
 * is rejected. Pure.
 */
import type { SensorDef } from '../domain/sensor.js';
import type { RawReading, Reading } from '../domain/types.js';
import { canonicalUnit, convert, isNamurFault, MA, scaleLoopCurrent } from '../domain/units.js';
import type { Rejection } from './json.js';

export function normalize(
  site: string,
  sensor: string,
  raw: RawReading,
  def: SensorDef | undefined,
): Reading | Rejection {
  if (!def) {
    // Unconfigured: stored as sent, in its own unit, so nothing is lost while the config catches up.
    // Only a unit gaswatch knows becomes the `unit` tag: payload text as a tag value would let any
    // publisher mint InfluxDB series without bound (issue 11), and SPEC §1 rejects unknown units.
    if (raw.unit === undefined)
      return { site, sensor, value: raw.value, ts: raw.ts, unit: '', status: raw.status, configured: false };
    const unit = canonicalUnit(raw.unit);
    if (unit === undefined) return { reason: 'unknown_unit', detail: `unknown unit "${raw.unit.slice(0, 40)}"` };
    return { site, sensor, value: raw.value, ts: raw.ts, unit, status: raw.status, configured: false };
  }
  const reading: Reading = {
    site,
    sensor,
    value: raw.value,
    ts: raw.ts,
    unit: def.unit,
    status: raw.status,
    configured: true,
  };
  if (raw.unit === undefined) return reading;
  const unit = canonicalUnit(raw.unit);
  if (unit === undefined) return { reason: 'unknown_unit', detail: `unknown unit "${raw.unit.slice(0, 40)}"` };
  if (unit === def.unit) return reading;
  if (unit === MA) {
    if (!def.scale) return { reason: 'unknown_unit', detail: `mA reading but sensor ${def.id} has no \`scale\`` };
    if (isNamurFault(raw.value)) reading.fault = { code: 'namur', current: raw.value };
    reading.value = scaleLoopCurrent(raw.value, def.scale);
    return reading;
  }
  const r = convert(raw.value, unit, def.unit, { kind: def.kind, lel: def.lel, molarMass: def.molarMass });
  if (!r.ok) return { reason: 'unknown_unit', detail: r.reason };
  reading.value = r.value;
  return reading;
}
