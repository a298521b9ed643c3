/** What makes a reading a fault (SPEC §2: out of range, non-finite, status fault, NAMUR NE43). Pure. */
import type { SensorDef } from '../domain/sensor.js';
import type { Reading } from '../domain/types.js';

/** Why a reading is a fault, or null. */
export function faultReason(def: SensorDef, r: Pick<Reading, 'fault' | 'status' | 'value'>): string | null {
  if (r.fault) return r.fault;
  if (r.status === 'fault') return 'the sensor reports status fault';
  if (!Number.isFinite(r.value)) return 'value is not a finite number';
  if (def.range && (r.value < def.range[0] || r.value > def.range[1]))
    return `value ${Number(r.value.toPrecision(6))} ${def.unit} outside range [${def.range[0]}, ${def.range[1]}] ${def.unit}`;
  return null;
}
