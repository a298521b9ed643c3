/** Which conditions a sensor has, their priorities, and what makes a reading a fault. Pure. */
import type { SensorDef } from '../domain/sensor.js';
import type { Condition, FaultCause, Priority, Reading } from '../domain/types.js';

export function conditionExists(def: SensorDef, condition: string): boolean {
  if (condition === 'fault' || condition === 'stale') return true;
  if (condition === 'roc') return def.roc !== undefined;
  return def.setpoints.some((s) => s.condition === condition);
}

/** The priority of a condition of this sensor. */
export function conditionPriority(def: SensorDef, c: Condition): Priority {
  if (c === 'fault') return def.faultPriority;
  if (c === 'stale') return def.stalePriority;
  if (c === 'roc') return def.roc?.priority ?? 'high';
  return def.setpoints.find((s) => s.condition === c)?.priority ?? 'high';
}

/** Why a reading is a fault, or null (SPEC §2: out of range, non-finite, status fault, NAMUR NE43). */
export function faultReason(def: SensorDef, r: Reading): FaultCause | null {
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
