/** Human text and display values of alarm records (SPEC §3: value and threshold in the setpoint's unit). */

import { formatDuration } from '../config/units-parse.js';
import type { LevelSetpointDef, RocDef, SensorDef } from '../domain/sensor.js';
import type { LevelCondition } from '../domain/types.js';
import { convert } from '../domain/units.js';

const LABEL: Record<LevelCondition, string> = { hihi: 'HiHi', hi: 'Hi', lo: 'Lo', lolo: 'LoLo' };

/** Round for display and records: six significant digits, no float noise (52.49999 → 52.5). */
export function tidy(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : v;
}

function fmt(v: number): string {
  return String(Number(v.toPrecision(4)));
}

function subject(def: SensorDef): string {
  return `${def.id} ${def.gas ?? def.kind}`;
}

/** A value in the sensor unit shown in `unit`; falls back to the sensor unit if it cannot convert. */
export function inUnit(def: SensorDef, value: number, unit: string): { value: number; unit: string } {
  const r = convert(value, def.unit, unit, { kind: def.kind, lel: def.lel, molarMass: def.molarMass });
  return r.ok ? { value: tidy(r.value), unit } : { value: tidy(value), unit: def.unit };
}

export interface Described {
  value: number | null;
  threshold: number | null;
  unit: string | null;
  message: string;
}

export function describeLevel(def: SensorDef, sp: LevelSetpointDef, value: number): Described {
  const v = inUnit(def, value, sp.display.unit);
  const op = sp.condition === 'hi' || sp.condition === 'hihi' ? '≥' : '≤';
  return {
    value: v.value,
    threshold: sp.display.value,
    unit: sp.display.unit,
    message: `${subject(def)} ${fmt(v.value)} ${v.unit} ${op} ${LABEL[sp.condition]} ${fmt(sp.display.value)} ${sp.display.unit}`,
  };
}

export function describeRoc(def: SensorDef, roc: RocDef, value: number, change: number): Described {
  const unit = roc.display.unit;
  const now = inUnit(def, value, unit);
  const delta = Math.abs(inUnit(def, change, unit).value - inUnit(def, 0, unit).value);
  const fell = change < 0;
  const limit = (fell ? roc.display.fall : roc.display.rise) ?? 0;
  return {
    value: now.value,
    threshold: limit,
    unit,
    message: `${subject(def)} ${fell ? 'fell' : 'rose'} ${fmt(delta)} ${unit} within ${formatDuration(roc.per)} (limit ${fmt(limit)} ${unit}), now ${fmt(now.value)} ${now.unit}`,
  };
}

export function describeFault(def: SensorDef, value: number | null, reason: string): Described {
  return {
    value: value === null || !Number.isFinite(value) ? null : tidy(value),
    threshold: null,
    unit: def.unit,
    message: `${subject(def)} in fault: ${reason}`,
  };
}

export function describeStale(def: SensorDef, silentFor: number | null, lastValue: number | null): Described {
  return {
    value: lastValue === null ? null : tidy(lastValue),
    threshold: null,
    unit: def.unit,
    message:
      silentFor === null
        ? `${subject(def)} silent: never heard from since start`
        : `${subject(def)} silent: no valid reading for ${formatDuration(Math.round(silentFor / 1000) * 1000)} (expected every ${formatDuration(def.interval)})`,
  };
}
