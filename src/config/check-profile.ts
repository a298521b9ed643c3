/**
 * Checks of one profile on its own, in its own unit: what the schema cannot express. A profile
 * with a problem here is reported once, at its own lines in profiles.yaml, and the sensors using it
 * are not resolved (rather than each repeating the same complaint).
 */
import type { SensorKind } from '../domain/types.js';
import { LEVEL_CONDITIONS } from '../domain/types.js';
import { canonicalUnit, convert, MA, UNITS_BY_KIND } from '../domain/units.js';
import type { IssuePath } from './issues.js';
import type { ProfileConfig } from './schema.js';
import { didYouMean } from './suggest.js';

/**
 * GB/T 50493-2019: the first-level alarm of a combustible gas detector is set at ≤ 25 %LEL,
 * the second level at ≤ 50 %LEL. Setpoints above need `exceedsStandard: "<reason>"`.
 */
export const GBT_50493_CAPS = { hi: 25, hihi: 50 } as const;
export const GBT_LEVEL = { hi: 'first-level', hihi: 'second-level' } as const;

export const ALL_UNITS: readonly string[] = [...new Set(Object.values(UNITS_BY_KIND).flat()), MA];

export function kindOfUnit(canonical: string): SensorKind | undefined {
  return (Object.keys(UNITS_BY_KIND) as SensorKind[]).find((k) => UNITS_BY_KIND[k].includes(canonical));
}

/** Numbers as an operator reads them: 8800, 0.45, 34.09 — not 34.090909090909086. */
export function fmt(n: number): string {
  return String(Number(n.toPrecision(6)));
}

export function unknownUnit(unit: string, kind?: SensorKind): string {
  const pool = kind ? UNITS_BY_KIND[kind] : ALL_UNITS;
  return `unknown unit "${unit}"${didYouMean(unit, pool)}${kind ? ` (a ${kind} unit is one of ${pool.join(', ')})` : ''}`;
}

/** `written` is the setpoint as the operator wrote it; `gas` is named when it was not in %LEL. */
export function capMessage(cond: 'hi' | 'hihi', written: string, pctLel: number, gas?: string): string {
  const asLel = gas === undefined ? '' : ` of ${gas} (${pctLel.toFixed(1)} %LEL)`;
  return (
    `${cond} ${written}${asLel} is above the GB/T 50493-2019 ${GBT_LEVEL[cond]} cap of ` +
    `${GBT_50493_CAPS[cond]} %LEL: lower it, or give the reason in exceedsStandard: "…"`
  );
}

export interface PathIssue {
  path: IssuePath;
  message: string;
}

export function checkProfile(name: string, p: ProfileConfig): PathIssue[] {
  const issues: PathIssue[] = [];
  const add = (path: IssuePath, message: string) => issues.push({ path: [name, ...path], message });
  const unit = canonicalUnit(p.unit);
  if (unit === undefined) {
    add(['unit'], unknownUnit(p.unit));
    return issues;
  }
  const kind = kindOfUnit(unit);
  if (kind === undefined) {
    add(['unit'], 'profiles are written in the measured unit (MPa, %LEL, C, %…), not the mA loop current');
    return issues;
  }
  if (p.range && !(p.range[0] < p.range[1])) add(['range'], `range [${p.range[0]}, ${p.range[1]}] must have min < max`);

  // Setpoints in the profile unit, for ordering and range; one that needs the gas to convert
  // (ppm in a %LEL profile) is left to the sensors, which know their gas.
  const values: { cond: (typeof LEVEL_CONDITIONS)[number]; v: number; shown: string }[] = [];
  let comparable = true;
  for (const cond of LEVEL_CONDITIONS) {
    const sp = p.setpoints[cond];
    if (!sp) continue;
    const spUnit = canonicalUnit(sp.unit ?? p.unit);
    if (spUnit === undefined || !UNITS_BY_KIND[kind].includes(spUnit)) {
      add(
        ['setpoints', cond, 'unit'],
        spUnit === undefined
          ? unknownUnit(sp.unit as string, kind)
          : `"${sp.unit}" is not a ${kind} unit like the profile's ${unit}`,
      );
      comparable = false;
      continue;
    }
    if (
      (cond === 'hi' || cond === 'hihi') &&
      spUnit === '%LEL' &&
      sp.value > GBT_50493_CAPS[cond] &&
      !sp.exceedsStandard
    )
      add(['setpoints', cond, 'value'], capMessage(cond, `${fmt(sp.value)} %LEL`, sp.value));
    const r = convert(sp.value, spUnit, unit, { kind });
    if (r.ok) values.push({ cond, v: r.value, shown: `${fmt(sp.value)} ${spUnit}` });
    else comparable = false;
  }
  if (comparable)
    for (let i = 1; i < values.length; i++) {
      const a = values[i - 1] as (typeof values)[number];
      const b = values[i] as (typeof values)[number];
      if (!(a.v < b.v))
        add(
          ['setpoints', b.cond, 'value'],
          `${b.cond} ${b.shown} must be above ${a.cond} ${a.shown} (setpoints go lolo < lo < hi < hihi)`,
        );
    }
  if (p.range && p.range[0] < p.range[1])
    for (const s of values)
      if (s.v < p.range[0] || s.v > p.range[1])
        add(
          ['setpoints', s.cond, 'value'],
          `${s.cond} ${s.shown} is outside the range [${p.range[0]}, ${p.range[1]}] ${unit}: it could never be reached`,
        );

  if (p.roc) {
    if (p.roc.rise === undefined && p.roc.fall === undefined) add(['roc'], 'roc needs rise, fall or both');
    if (p.roc.per <= 0) add(['roc', 'per'], 'must be longer than 0');
    const rocUnit = p.roc.unit === undefined ? unit : canonicalUnit(p.roc.unit);
    if (rocUnit === undefined) add(['roc', 'unit'], unknownUnit(p.roc.unit as string, kind));
    else if (!UNITS_BY_KIND[kind].includes(rocUnit))
      add(['roc', 'unit'], `"${p.roc.unit}" is not a ${kind} unit like the profile's ${unit}`);
  }
  if (p.staleAfter !== undefined && p.staleAfter <= 0) add(['staleAfter'], 'must be longer than 0');
  return issues;
}
