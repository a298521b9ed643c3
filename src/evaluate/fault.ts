/** What makes a reading a fault (SPEC §2: out of range, non-finite, status fault, NAMUR NE43). Pure. */
import type { SensorDef } from '../domain/sensor.js';
import type { FaultCause, Reading } from '../domain/types.js';

/** Why a reading is a fault, or null: a cause as data, worded by the alarm room in the configured locale. */
export function faultReason(def: SensorDef, r: Pick<Reading, 'fault' | 'status' | 'value'>): FaultCause | null {
  if (r.fault) return r.fault;
  if (r.status === 'fault') return { code: 'status' };
  if (!Number.isFinite(r.value)) return { code: 'nonFinite' };
  if (def.range && (r.value < def.range[0] || r.value > def.range[1]))
    return {
      code: 'range',
      value: Number(r.value.toPrecision(6)),
      min: def.range[0],
      max: def.range[1],
      unit: def.unit,
    };
  return null;
}
