/**
 * One sensor resolved against its profile: overrides merged field by field and every setpoint
 * converted once into the sensor's unit, so the hot path compares plain numbers. Problems are
 * reported at the sensor's own key when the sensor's config causes them, and at its `profile:` key
 * when only the combination is wrong (a ppm profile above the %LEL cap for this gas).
 */
import type { RocDef, SensorDef } from '../domain/sensor.js';
import { LEVEL_CONDITIONS, type Priority } from '../domain/types.js';
import { canonicalUnit, convert, GAS_TABLE, MA, UNITS_BY_KIND, type UnitContext } from '../domain/units.js';
import { checkCalibration } from './check-calibration.js';
import { checkLevels, type Resolved } from './check-levels.js';
import { capMessage, fmt, GBT_50493_CAPS, kindOfUnit, unknownUnit } from './check-profile.js';
import type { IssuePath } from './issues.js';
import type { MainConfig, ProfileConfig, SensorConfig } from './schema.js';
import { didYouMean } from './suggest.js';
import { formatDuration } from './units-parse.js';

export interface SensorInput {
  main: MainConfig;
  /** Epoch ms the calibration dates are checked against. */
  now: number;
  profilesFile: string;
  profiles: Record<string, ProfileConfig>;
  /** Profiles with problems of their own, already reported in the profiles file. */
  broken: ReadonlySet<string>;
}

export type Report = (path: IssuePath, message: string) => void;

export function resolveSensor(
  input: SensorInput,
  site: string,
  sc: SensorConfig,
  report: Report,
): SensorDef | undefined {
  let ok = true;
  const fail: Report = (p, m) => {
    ok = false;
    report(p, m);
  };
  const kindUnits = UNITS_BY_KIND[sc.kind];
  const unit = canonicalUnit(sc.unit);
  if (unit === MA)
    fail(
      ['unit'],
      `"mA" is the raw loop current: set unit to what the loop measures (${kindUnits.join(', ')}) and scale`,
    );
  else if (unit === undefined) fail(['unit'], unknownUnit(sc.unit, sc.kind));
  else if (!kindUnits.includes(unit))
    fail(['unit'], `"${sc.unit}" is not a ${sc.kind} unit: use one of ${kindUnits.join(', ')}`);

  let { lel, molarMass } = sc;
  const gases = Object.keys(GAS_TABLE);
  if (sc.kind === 'gas') {
    const known = sc.gas === undefined ? undefined : GAS_TABLE[sc.gas.toLowerCase()];
    if (sc.gas === undefined && sc.lel === undefined)
      fail(['gas'], `a gas sensor needs gas (${gases.join(', ')}) or lel (its LEL in %vol)`);
    else if (sc.gas !== undefined && !known && sc.lel === undefined)
      fail(
        ['gas'],
        `unknown gas "${sc.gas}"${didYouMean(sc.gas, gases)}: use one of ${gases.join(', ')}, or give its LEL in %vol with lel`,
      );
    lel ??= known?.lel;
    molarMass ??= known?.molarMass;
  } else
    for (const key of ['gas', 'lel', 'molarMass'] as const)
      if (sc[key] !== undefined) fail([key], `${key} is only for gas sensors (this one is ${sc.kind})`);

  let profile: ProfileConfig | undefined;
  const pname = sc.profile;
  if (pname !== undefined) {
    if (input.broken.has(pname)) ok = false;
    else {
      profile = input.profiles[pname];
      const names = [...Object.keys(input.profiles), ...input.broken];
      if (!profile)
        fail(
          ['profile'],
          `no profile "${pname}" in ${input.profilesFile}${didYouMean(pname, names) || ` (profiles: ${names.join(', ') || 'none'})`}`,
        );
    }
  }
  if (!ok || unit === undefined) return undefined;

  const uctx: UnitContext = { kind: sc.kind, lel, molarMass };
  // Rounded to 12 significant digits: 40 %LEL of methane must be 17600 ppm, not 17600.000000000004,
  // or a reading of exactly 17600 ppm would not reach the setpoint.
  const toSensor = (v: number, from: string): number | string => {
    const r = convert(v, from, unit, uctx);
    return r.ok ? Number(r.value.toPrecision(12)) : r.reason;
  };
  const profileUnit = profile ? (canonicalUnit(profile.unit) as string) : unit;
  const ofProfile = `profile "${pname}"`;
  const unusable = profile ? toSensor(1, profileUnit) : 0;
  if (typeof unusable === 'string') {
    const kind = kindOfUnit(profileUnit);
    fail(
      ['profile'],
      kind !== sc.kind
        ? `${ofProfile} is for ${kind} sensors (${profileUnit}), not for a ${sc.kind} sensor`
        : `${ofProfile} is written in ${profileUnit}, which this sensor in ${unit} cannot use: ${unusable}`,
    );
    return undefined;
  }

  const interval = sc.interval ?? input.main.alarms.defaultInterval;
  if (sc.interval !== undefined && sc.interval <= 0) fail(['interval'], 'must be longer than 0');
  const staleAfter = sc.staleAfter ?? profile?.staleAfter ?? 3 * interval;
  if (interval > 0 && staleAfter <= interval)
    fail(
      sc.staleAfter !== undefined ? ['staleAfter'] : ['profile'],
      `staleAfter ${formatDuration(staleAfter)} must be longer than the interval ${formatDuration(interval)}, ` +
        'or the sensor goes stale between readings',
    );

  let range: readonly [number, number] | undefined;
  if (sc.range) {
    if (sc.range[0] < sc.range[1]) range = sc.range;
    else fail(['range'], `range [${sc.range[0]}, ${sc.range[1]}] must have min < max`);
  } else if (profile?.range)
    range = [toSensor(profile.range[0], profileUnit), toSensor(profile.range[1], profileUnit)] as [number, number];
  if (sc.scale && !(sc.scale[0] < sc.scale[1]))
    fail(['scale'], `scale [${sc.scale[0]}, ${sc.scale[1]}] must have min < max`);

  const resolved: Resolved[] = [];
  // Ordering and range are only checked on a complete set: a gap would compare the wrong pair.
  let incomplete = false;
  for (const condition of LEVEL_CONDITIONS) {
    const base = profile?.setpoints[condition];
    const over = sc.setpoints?.[condition];
    if (!base && !over) continue;
    const here: IssuePath = ['setpoints', condition];
    const merged = { ...base, ...over };
    if (merged.value === undefined || merged.priority === undefined) {
      incomplete = true;
      fail(
        here,
        `${condition} needs value and priority: ${profile ? `${ofProfile} has no ${condition}` : 'the sensor has no profile'}`,
      );
      continue;
    }
    const spRaw = merged.unit ?? profile?.unit ?? sc.unit;
    const spUnit = canonicalUnit(spRaw);
    const ownUnit = over?.unit !== undefined;
    if (spUnit === undefined) {
      incomplete = true;
      fail([...here, 'unit'], unknownUnit(spRaw, sc.kind));
      continue;
    }
    const value = toSensor(merged.value, spUnit);
    if (typeof value === 'string') {
      incomplete = true;
      const why = kindUnits.includes(spUnit) ? value : `${spUnit} is not a ${sc.kind} unit (${kindUnits.join(', ')})`;
      if (ownUnit) fail([...here, 'unit'], `"${spRaw}" cannot be used for this sensor in ${unit}: ${why}`);
      else
        fail(
          ['profile'],
          `${ofProfile} writes ${condition} in ${spUnit}, which this sensor in ${unit} cannot use: ${why}`,
        );
      continue;
    }
    const own = over?.value !== undefined || ownUnit;
    const path: IssuePath = own ? [...here, over?.value !== undefined ? 'value' : 'unit'] : ['profile'];
    const written = `${fmt(merged.value)} ${spUnit}`;
    const shown = spUnit === unit ? written : `${written} (${fmt(value)} ${unit})`;
    if (
      sc.kind === 'gas' &&
      lel !== undefined &&
      (condition === 'hi' || condition === 'hihi') &&
      !merged.exceedsStandard
    ) {
      const pct = convert(merged.value, spUnit, '%LEL', uctx);
      if (pct.ok && pct.value > GBT_50493_CAPS[condition] * (1 + 1e-9)) {
        const msg = capMessage(condition, written, pct.value, spUnit === '%LEL' ? undefined : (sc.gas ?? 'this gas'));
        fail(path, own ? msg : `${ofProfile}: ${msg}`);
      }
    }
    const deadbandRaw = merged.deadband ?? sc.deadband ?? profile?.deadband ?? 0;
    const below = toSensor(merged.value - deadbandRaw, spUnit) as number;
    resolved.push({
      own,
      path,
      shown,
      def: {
        condition,
        priority: merged.priority,
        value,
        deadband: Number(Math.abs(value - below).toPrecision(12)),
        onDelay: merged.onDelay ?? sc.onDelay ?? profile?.onDelay ?? 0,
        offDelay: merged.offDelay ?? sc.offDelay ?? profile?.offDelay ?? 0,
        latch: merged.latch ?? false,
        realarmAfter: merged.realarmAfter ?? sc.realarmAfter ?? profile?.realarmAfter,
        display: { value: merged.value, unit: spUnit },
      },
    });
  }
  if (!incomplete) checkLevels(resolved, range, sc.range !== undefined, unit, ofProfile, fail);

  let roc: RocDef | undefined;
  const rocCfg = sc.roc === null ? undefined : (sc.roc ?? profile?.roc);
  if (rocCfg) {
    const own = sc.roc !== undefined && sc.roc !== null;
    if (own && rocCfg.rise === undefined && rocCfg.fall === undefined) fail(['roc'], 'roc needs rise, fall or both');
    if (own && rocCfg.per <= 0) fail(['roc', 'per'], 'must be longer than 0');
    const rocRaw = rocCfg.unit ?? profile?.unit ?? sc.unit;
    const rocUnit = canonicalUnit(rocRaw);
    const at: IssuePath = own ? (rocCfg.unit !== undefined ? ['roc', 'unit'] : ['roc']) : ['profile'];
    const delta = (d: number | undefined): number | undefined => {
      if (d === undefined || rocUnit === undefined) return undefined;
      const a = toSensor(d, rocUnit);
      const b = toSensor(0, rocUnit);
      if (typeof a === 'string' || typeof b === 'string') {
        fail(
          at,
          `roc in ${rocUnit} cannot be used for a ${sc.kind} sensor in ${unit}: ${typeof a === 'string' ? a : b}`,
        );
        return undefined;
      }
      return Math.abs(a - b);
    };
    if (rocUnit === undefined) fail(at, unknownUnit(rocRaw, sc.kind));
    roc = {
      rise: delta(rocCfg.rise),
      fall: delta(rocCfg.fall),
      per: rocCfg.per,
      priority: rocCfg.priority,
      display: { rise: rocCfg.rise, fall: rocCfg.fall, unit: rocUnit ?? rocRaw },
    };
  }
  const calibration = checkCalibration(sc, input.now, fail);
  if (!ok) return undefined;
  const stalePriority: Priority = profile?.stalePriority ?? 'high';
  return {
    site,
    id: sc.id,
    index: -1, // set by the resolver, which numbers the sensors of the whole config
    kind: sc.kind,
    name: sc.name,
    asset: sc.asset,
    unit,
    gas: sc.gas,
    lel,
    molarMass,
    scale: sc.scale,
    range,
    profile: pname,
    interval,
    staleAfter,
    stalePriority,
    faultPriority: profile?.faultPriority ?? 'high',
    setpoints: resolved.map((r) => r.def),
    roc,
    maintenance: sc.maintenance ?? false,
    ...(calibration.calibratedAt === undefined ? {} : calibration),
  };
}
