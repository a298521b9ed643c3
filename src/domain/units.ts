/**
 * Units the daemon converts between (SPEC §2), and the gas table.
 * Every function here is pure; conversion failures are returned, never thrown,
 * because a bad unit in one payload must not affect any other reading.
 */
import type { SensorKind } from './types.js';

/** LEL in %vol (IEC 60079-20-1) and molar mass in g/mol. */
export const GAS_TABLE: Readonly<Record<string, { lel: number; molarMass: number }>> = {
  methane: { lel: 4.4, molarMass: 16.04 },
  propane: { lel: 1.7, molarMass: 44.1 },
  butane: { lel: 1.4, molarMass: 58.12 },
  hydrogen: { lel: 4.0, molarMass: 2.016 },
  ethylene: { lel: 2.3, molarMass: 28.05 },
  'vinyl chloride': { lel: 3.6, molarMass: 62.5 },
};

/** Molar volume of an ideal gas at 25 °C and 101.325 kPa, L/mol: the usual basis of mg/m³ ↔ ppm. */
const MOLAR_VOLUME = 24.45;

export const UNITS_BY_KIND: Readonly<Record<SensorKind, readonly string[]>> = {
  pressure: ['Pa', 'kPa', 'MPa', 'bar', 'psi'],
  gas: ['ppm', '%vol', '%LEL', 'mg/m3'],
  temperature: ['C', 'K', 'F'],
  level: ['%', 'm', 'mm'],
  flow: ['m3/h', 'Nm3/h', 'L/min', 'kg/h'],
};

/** The raw 4–20 mA loop unit, valid for every kind when the sensor has `scale`. */
export const MA = 'mA';
/** NAMUR NE43: a loop current outside these bounds signals a transmitter fault. */
export const NAMUR_FAULT_LOW = 3.6;
export const NAMUR_FAULT_HIGH = 21;

const CANONICAL = new Map<string, string>();
for (const list of Object.values(UNITS_BY_KIND)) for (const u of list) CANONICAL.set(u.toLowerCase(), u);
CANONICAL.set('ma', MA);
for (const [alias, u] of [
  ['°c', 'C'],
  ['degc', 'C'],
  ['°f', 'F'],
  ['degf', 'F'],
  ['%v/v', '%vol'],
  ['vol%', '%vol'],
  ['lel%', '%LEL'],
  ['% lel', '%LEL'],
  ['mg/m³', 'mg/m3'],
  ['m³/h', 'm3/h'],
] as const)
  CANONICAL.set(alias, u);

/** The canonical spelling of a unit, or undefined when the daemon does not know it. */
export function canonicalUnit(unit: string): string | undefined {
  return CANONICAL.get(unit.trim().toLowerCase());
}

/** What a conversion needs to know about the sensor. */
export interface UnitContext {
  kind: SensorKind;
  /** LEL of the gas in %vol (gas sensors, needed for %LEL). */
  lel?: number | undefined;
  /** Molar mass in g/mol (gas sensors, needed for mg/m3). */
  molarMass?: number | undefined;
}

const PRESSURE_PA: Record<string, number> = { Pa: 1, kPa: 1e3, MPa: 1e6, bar: 1e5, psi: 6894.757293168 };
const LEVEL_M: Record<string, number> = { m: 1, mm: 1e-3 };
const FLOW_SAME: Record<string, number> = { 'm3/h': 1, 'Nm3/h': 1, 'L/min': 1, 'kg/h': 1 };

export type ConversionResult = { ok: true; value: number } | { ok: false; reason: string };

function toBase(kind: SensorKind, unit: string, v: number, ctx: UnitContext): number | string {
  switch (kind) {
    case 'pressure':
      return v * (PRESSURE_PA[unit] as number);
    case 'temperature':
      return unit === 'C' ? v : unit === 'K' ? v - 273.15 : ((v - 32) * 5) / 9;
    case 'level':
      return unit === '%' ? v : v * (LEVEL_M[unit] as number);
    case 'flow':
      return v;
    case 'gas':
      switch (unit) {
        case 'ppm':
          return v;
        case '%vol':
          return v * 10000;
        case '%LEL':
          if (!ctx.lel) return 'needs the gas LEL for %LEL';
          return (v / 100) * ctx.lel * 10000;
        default:
          if (!ctx.molarMass) return 'needs the molar mass for mg/m3';
          return (v * MOLAR_VOLUME) / ctx.molarMass;
      }
  }
}

function fromBase(kind: SensorKind, unit: string, v: number, ctx: UnitContext): number | string {
  switch (kind) {
    case 'pressure':
      return v / (PRESSURE_PA[unit] as number);
    case 'temperature':
      return unit === 'C' ? v : unit === 'K' ? v + 273.15 : (v * 9) / 5 + 32;
    case 'level':
      return unit === '%' ? v : v / (LEVEL_M[unit] as number);
    case 'flow':
      return v;
    case 'gas':
      switch (unit) {
        case 'ppm':
          return v;
        case '%vol':
          return v / 10000;
        case '%LEL':
          // SPEC §2: %LEL = ppm / 10000 / LEL × 100
          if (!ctx.lel) return 'needs the gas LEL for %LEL';
          return (v / 10000 / ctx.lel) * 100;
        default:
          if (!ctx.molarMass) return 'needs the molar mass for mg/m3';
          return (v * ctx.molarMass) / MOLAR_VOLUME;
      }
  }
}

/**
 * Convert `value` from unit `from` to unit `to` for a sensor of `ctx.kind`.
 * `%` level cannot be converted to a length (the tank height is unknown) and flow units
 * are only accepted as written: both are refused rather than guessed.
 */
export function convert(value: number, from: string, to: string, ctx: UnitContext): ConversionResult {
  const f = canonicalUnit(from);
  const t = canonicalUnit(to);
  if (f === undefined) return { ok: false, reason: `unknown unit "${from}"` };
  if (t === undefined) return { ok: false, reason: `unknown unit "${to}"` };
  if (f === t) return { ok: true, value };
  const units = UNITS_BY_KIND[ctx.kind];
  if (!units.includes(f) || !units.includes(t))
    return { ok: false, reason: `unit "${from}" is not a ${ctx.kind} unit convertible to ${t}` };
  if (ctx.kind === 'level' && (f === '%' || t === '%'))
    return { ok: false, reason: `cannot convert level ${f} to ${t}` };
  if (ctx.kind === 'flow' && FLOW_SAME[f] !== undefined)
    return { ok: false, reason: `flow units are not converted (${f} → ${t})` };
  const base = toBase(ctx.kind, f, value, ctx);
  if (typeof base === 'string') return { ok: false, reason: base };
  const out = fromBase(ctx.kind, t, base, ctx);
  if (typeof out === 'string') return { ok: false, reason: out };
  // 12 significant digits: 40 %LEL of methane is 17600 ppm, not 17600.000000000004 — a reading of
  // exactly the setpoint must reach it, and stored values must be what the sensor meant.
  return { ok: true, value: Number(out.toPrecision(12)) };
}

/** Scale a 4–20 mA loop current to `[min, max]` of the sensor's unit. */
export function scaleLoopCurrent(mA: number, scale: readonly [number, number]): number {
  return scale[0] + ((mA - 4) / 16) * (scale[1] - scale[0]);
}

export function isNamurFault(mA: number): boolean {
  return !(mA >= NAMUR_FAULT_LOW && mA <= NAMUR_FAULT_HIGH);
}
