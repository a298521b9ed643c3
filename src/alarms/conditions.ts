/** Which conditions a sensor has, and their priorities. Pure. */
import type { SensorDef } from '../domain/sensor.js';
import type { Condition, Priority } from '../domain/types.js';

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
