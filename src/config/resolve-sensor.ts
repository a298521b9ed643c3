/**
 * One sensor resolved against its profile: overrides merged field by field and every setpoint
 * converted once into the sensor's unit, so the hot path compares plain numbers. Problems are
 * reported at the sensor's own key when the sensor's config causes them, and at its `profile:` key
 * when only the combination is wrong (a ppm profile above the %LEL cap for this gas).
 */
import type { LevelSetpointDef, RocDef, SensorDef } from '../domain/sensor.js';
import { LEVEL_CONDITIONS, type LevelCondition, type Priority } from '../domain/types.js';
import { canonicalUnit, convert, GAS_TABLE, MA, UNITS_BY_KIND, type UnitContext } from '../domain/units.js';
import { capMessage, fmt, GBT_50493_CAPS, unknownUnit } from './check-profile.js';
import type { IssuePath } from './issues.js';
import type { MainConfig, ProfileConfig, SensorConfig } from './schema.js';
import { didYouMean } from './suggest.js';
import { formatDuration } from './units-parse.js';

export interface SensorInput {
  main: MainConfig;
  profilesFile: string;
  profiles: Record<string, ProfileConfig>;
  /** Profiles with problems of their own, already reported in the profiles file. */
  broken: ReadonlySet<string>;
}

type Report = (path: IssuePath, message: string) => void;

interface Resolved {
  def: LevelSetpointDef;
  /** The sensor itself sets this setpoint's value or unit. */
  own: boolean;
  path: IssuePath;
  shown: string;
}

export function resolveSensor(input: SensorInput, site: string, sc: SensorConfig, report: Report): SensorDef | undefined {
  let ok = true;
  const fail: Report = (p, m) => {
    ok = false;
    report(p, m);
  };
  const kindUnits = UNITS_BY_KIND[sc.kind];
  const unit = canonicalUnit(sc.unit);
  if (unit === MA)
    fail(['unit'], `"mA" is the raw loop current: set unit to what the loop measures (${kindUnits.join(', ')}) and scale`);
  else if (unit === undefined) fail(['unit'], unknownUnit(sc.unit, sc.kind));
  else if (!kindUnits.includes(unit)) fail(['unit'], `"${sc.unit}" is not a ${sc.kind} unit: use one of ${kindUnits.join(', ')}`);

  let { lel, molarMass } = sc;
  const gases = Object.keys(GAS_TABLE);
  if (sc.kind === 'gas') {
    const known = sc.gas === undefined ? undefined : GAS_TABLE[sc.gas.toLowerCase()];
    if (sc.gas === undefined && sc.lel === undefined)
      fail(['gas'], `a gas sensor needs gas (${gases.join(', ')}) or lel (its LEL in %vol)`);
    else if (sc.gas !== undefined && !known && sc.lel === undefined)
      fail(['gas'], `unknown gas "${sc.gas}"${didYouMean(sc.gas, gases)}: use one of ${gases.join(', ')}, or give its LEL in %vol with lel`);
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
  const toSensor = (v: number, from: string): number | string => {
    const r = convert(v, from, unit, uctx);
    return r.ok ? r.value : r.reason;
  };
  const profileUnit = profile ? (canonicalUnit(profile.unit) as string) : unit;
  const ofProfile = `profile "${pname}"`;
  if (profile && typeof toSensor(1, profileUnit) === 'string') {
    fail(['profile'], `${ofProfile} is written in ${profileUnit}, which a ${sc.kind} sensor in ${unit} cannot use: ${toSensor(1, profileUnit)}`);
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
  } else if (profile?.range) range = [toSensor(profile.range[0], profileUnit), toSensor(profile.range[1], profileUnit)] as [number, number];
  if (sc.scale && !(sc.scale[0] < sc.scale[1])) fail(['scale'], `scale [${sc.scale[0]}, ${sc.scale[1]}] must have min < max`);

  const resolved: Resolved[] = [];
  for (const condition of LEVEL_CONDITIONS) {
    const base = profile?.setpoints[condition];
    const over = sc.setpoints?.[condition];
    if (!base && !over) continue;
    const here: IssuePath = ['setpoints', condition];
    const merged = { ...base, ...over };
    if (merged.value === undefined || merged.priority === undefined) {
      fail(here, `${condition} needs value and priority: ${profile ? `${ofProfile} has no ${condition}` : 'the sensor has no profile'}`);
      continue;
    }
    const spRaw = merged.unit ?? profile?.unit ?? sc.unit;
    const spUnit = canonicalUnit(spRaw);
    const ownUnit = over?.unit !== undefined;
    if (spUnit === undefined) {
      fail([...here, 'unit'], unknownUnit(spRaw, sc.kind));
      continue;
    }
    const value = toSensor(merged.value, spUnit);
    if (typeof value === 'string') {
      fail(
        ownUnit ? [...here, 'unit'] : ['profile'],
        `${ownUnit ? `"${spRaw}"` : `${ofProfile} writes ${condition} in ${spUnit}, which`} cannot be used for a ${sc.kind} sensor in ${unit}: ${value}`,
      );
      continue;
    }
    const own = over?.value !== undefined || ownUnit;
    const path: IssuePath = own ? [...here, over?.value !== undefined ? 'value' : 'unit'] : ['profile'];
    const written = `${fmt(merged.value)} ${spUnit}`;
    const shown = spUnit === unit ? written : `${written} (${fmt(value)} ${unit})`;
    if (sc.kind === 'gas' && lel !== undefined && (condition === 'hi' || condition === 'hihi') && !merged.exceedsStandard) {
      const pct = convert(merged.value, spUnit, '%LEL', uctx);
      if (pct.ok && pct.value > GBT_50493_CAPS[condition] * (1 + 1e-9)) {
        const msg = capMessage(condition, written, pct.value, spUnit === '%LEL' ? '' : ` of ${sc.gas ?? 'this gas'}`);
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
        deadband: Math.abs(value - below),
        onDelay: merged.onDelay ?? sc.onDelay ?? profile?.onDelay ?? 0,
        offDelay: merged.offDelay ?? sc.offDelay ?? profile?.offDelay ?? 0,
        latch: merged.latch ?? false,
        realarmAfter: merged.realarmAfter ?? sc.realarmAfter ?? profile?.realarmAfter,
        display: { value: merged.value, unit: spUnit },
      },
    });
  }
  if (ok) checkLevels(resolved, range, sc.range !== undefined, unit, ofProfile, fail);

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
        fail(at, `roc in ${rocUnit} cannot be used for a ${sc.kind} sensor in ${unit}: ${typeof a === 'string' ? a : b}`);
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
  if (!ok) return undefined;
  const stalePriority: Priority = profile?.stalePriority ?? 'high';
  return {
    site,
    id: sc.id,
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
  };
}

/** lolo < lo < hi < hihi, all inside the range: blamed on whichever the sensor itself wrote. */
function checkLevels(
  levels: Resolved[],
  range: readonly [number, number] | undefined,
  ownRange: boolean,
  unit: string,
  ofProfile: string,
  fail: Report,
): void {
  const cond = (r: Resolved): LevelCondition => r.def.condition;
  for (let i = 1; i < levels.length; i++) {
    const a = levels[i - 1] as Resolved;
    const b = levels[i] as Resolved;
    if (a.def.value < b.def.value) continue;
    const order = '(setpoints go lolo < lo < hi < hihi)';
    if (b.own) fail(b.path, `${cond(b)} ${b.shown} must be above ${cond(a)} ${a.shown} ${order}`);
    else if (a.own) fail(a.path, `${cond(a)} ${a.shown} must be below ${cond(b)} ${b.shown} ${order}`);
    else fail(['profile'], `${ofProfile}: ${cond(b)} ${b.shown} must be above ${cond(a)} ${a.shown} ${order}`);
  }
  if (!range) return;
  const tol = 1e-9 * Math.max(1, Math.abs(range[0]), Math.abs(range[1]));
  const r = `[${fmt(range[0])}, ${fmt(range[1])}] ${unit}`;
  for (const s of levels) {
    if (s.def.value >= range[0] - tol && s.def.value <= range[1] + tol) continue;
    if (s.own) fail(s.path, `${cond(s)} ${s.shown} is outside the sensor range ${r}: it could never be reached`);
    else if (ownRange) fail(['range'], `range ${r} does not contain ${cond(s)} ${s.shown} of ${ofProfile}`);
    else fail(['profile'], `${ofProfile}: ${cond(s)} ${s.shown} is outside the range ${r}`);
  }
}
