/**
 * Turns validated config documents into resolved sensor definitions: a sensor's profile and its
 * overrides merged field by field, and every setpoint converted once into the sensor's unit so the
 * hot path compares plain numbers. Problems the schema cannot see are returned as issues with the
 * file and the path inside it, so the loader can point at the line.
 */
import type { LevelSetpointDef, RocDef, SensorDef, SiteDef } from '../domain/sensor.js';
import { LEVEL_CONDITIONS, type Priority } from '../domain/types.js';
import { canonicalUnit, convert, GAS_TABLE, isUnitValidFor, MA, type UnitContext } from '../domain/units.js';
import type { MainConfig, ProfileConfig, SensorConfig, SiteConfig } from './schema.js';

export interface ConfigIssue {
  file: string;
  path: (string | number)[];
  message: string;
}

export interface SiteDocument {
  file: string;
  site: SiteConfig;
}

export interface ResolveInput {
  main: MainConfig;
  profilesFile: string;
  profiles: Record<string, ProfileConfig>;
  sites: SiteDocument[];
}

/** GB/T 50493-2019 §5.5: first-level ≤ 25 %LEL, second-level ≤ 50 %LEL. */
const GBT_50493_CAPS = { hi: 25, hihi: 50 } as const;

export function resolveSites(input: ResolveInput): { sites: Map<string, SiteDef>; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const sites = new Map<string, SiteDef>();
  const siteFiles = new Map<string, string>();
  for (const { file, site } of input.sites) {
    const prev = siteFiles.get(site.id);
    if (prev !== undefined) {
      issues.push({ file, path: ['id'], message: `site id "${site.id}" is already used in ${prev}` });
      continue;
    }
    siteFiles.set(site.id, file);
    const sensors = new Map<string, SensorDef>();
    site.sensors.forEach((sc, i) => {
      const at = (...p: (string | number)[]) => ['sensors', i, ...p];
      if (sensors.has(sc.id)) {
        issues.push({ file, path: at('id'), message: `sensor id "${sc.id}" is already used in site ${site.id}` });
        return;
      }
      const def = resolveSensor(input, site.id, sc, (path, message) =>
        issues.push({ file, path: at(...path), message }),
      );
      if (def) sensors.set(sc.id, def);
    });
    site.maintenance.forEach((w, i) => {
      for (const key of ['from', 'to'] as const)
        if (Number.isNaN(Date.parse(w[key])))
          issues.push({ file, path: ['maintenance', i, key], message: `"${w[key]}" is not an ISO-8601 time` });
      for (const [j, s] of (w.sensors ?? []).entries())
        if (!site.sensors.some((x) => x.id === s))
          issues.push({ file, path: ['maintenance', i, 'sensors', j], message: `no sensor "${s}" in site ${site.id}` });
    });
    sites.set(site.id, {
      id: site.id,
      name: site.name ?? site.id,
      type: site.type,
      responsible: site.responsible.map((r) => ({
        name: r.name,
        role: r.role,
        phone: r.phone,
        email: r.email,
        webhook: r.webhook,
        escalateAfter: r.escalateAfter,
      })),
      maintenance: site.maintenance.map((w) => ({
        from: Date.parse(w.from),
        to: Date.parse(w.to),
        sensors: w.sensors,
        reason: w.reason,
      })),
      sensors,
    });
  }
  return { sites, issues };
}

type Report = (path: (string | number)[], message: string) => void;

function resolveSensor(input: ResolveInput, site: string, sc: SensorConfig, report: Report): SensorDef | undefined {
  let ok = true;
  const fail: Report = (p, m) => {
    ok = false;
    report(p, m);
  };
  const unit = canonicalUnit(sc.unit);
  if (unit === undefined || unit === MA || !isUnitValidFor(sc.kind, unit)) {
    fail(['unit'], `"${sc.unit}" is not a ${sc.kind} unit (use one of the SPEC §2 units)`);
    return undefined;
  }
  let lel = sc.lel;
  let molarMass = sc.molarMass;
  if (sc.kind === 'gas') {
    const gas = sc.gas?.toLowerCase();
    const known = gas === undefined ? undefined : GAS_TABLE[gas];
    if (gas !== undefined && !known && sc.lel === undefined)
      fail(['gas'], `unknown gas "${sc.gas}": give its LEL with \`lel\` (known: ${Object.keys(GAS_TABLE).join(', ')})`);
    lel ??= known?.lel;
    molarMass ??= known?.molarMass;
  }
  const ctx: UnitContext = { kind: sc.kind, lel, molarMass };
  let profile: ProfileConfig | undefined;
  if (sc.profile !== undefined) {
    profile = input.profiles[sc.profile];
    if (!profile) {
      const names = Object.keys(input.profiles);
      fail(['profile'], `no profile "${sc.profile}" in ${input.profilesFile} (have: ${names.join(', ') || 'none'})`);
    }
  }
  const interval = sc.interval ?? input.main.alarms.defaultInterval;
  const staleAfter = sc.staleAfter ?? profile?.staleAfter ?? 3 * interval;

  /** Convert a value written in `from` into the sensor unit; reports and returns NaN on failure. */
  const toSensor = (v: number, from: string, path: (string | number)[]): number => {
    const r = convert(v, from, unit, ctx);
    if (!r.ok) {
      fail(path, `cannot use unit "${from}" for a ${sc.kind} sensor in ${unit}: ${r.reason}`);
      return Number.NaN;
    }
    return r.value;
  };
  const profileUnit = profile?.unit ?? unit;

  let range: readonly [number, number] | undefined;
  if (sc.range) range = sc.range;
  else if (profile?.range)
    range = [
      toSensor(profile.range[0], profileUnit, ['profile']),
      toSensor(profile.range[1], profileUnit, ['profile']),
    ];
  if (range && !(range[0] < range[1])) fail(['range'], `range [${range[0]}, ${range[1]}] must have min < max`);
  if (sc.scale && !(sc.scale[0] < sc.scale[1])) fail(['scale'], 'scale must be [min, max] with min < max');

  const setpoints: LevelSetpointDef[] = [];
  for (const condition of LEVEL_CONDITIONS) {
    const base = profile?.setpoints[condition];
    const over = sc.setpoints?.[condition];
    if (!base && !over) continue;
    const path = over ? ['setpoints', condition] : ['profile'];
    const merged = { ...base, ...over };
    if (merged.value === undefined || merged.priority === undefined) {
      fail(path, `setpoint ${condition} needs a value and a priority (the profile has no ${condition})`);
      continue;
    }
    const spUnit = merged.unit ?? profileUnit;
    if (canonicalUnit(spUnit) === undefined) {
      fail([...path, 'unit'], `unknown unit "${spUnit}"`);
      continue;
    }
    const value = toSensor(merged.value, spUnit, [...path, 'value']);
    const deadbandRaw = merged.deadband ?? sc.deadband ?? profile?.deadband ?? 0;
    const deadband = Math.abs(value - toSensor(merged.value - deadbandRaw, spUnit, [...path, 'deadband']));
    if (sc.kind === 'gas' && canonicalUnit(spUnit) === '%LEL' && (condition === 'hi' || condition === 'hihi')) {
      const cap = GBT_50493_CAPS[condition];
      if (merged.value > cap && merged.exceedsStandard === undefined)
        fail(
          [...path, 'value'],
          `${condition} ${merged.value} %LEL is above the GB/T 50493-2019 cap of ${cap} %LEL; ` +
            'lower it or set exceedsStandard: "<reason>"',
        );
    }
    setpoints.push({
      condition,
      priority: merged.priority,
      value,
      deadband,
      onDelay: merged.onDelay ?? sc.onDelay ?? profile?.onDelay ?? 0,
      offDelay: merged.offDelay ?? sc.offDelay ?? profile?.offDelay ?? 0,
      latch: merged.latch ?? false,
      realarmAfter: merged.realarmAfter ?? sc.realarmAfter ?? profile?.realarmAfter,
      display: { value: merged.value, unit: canonicalUnit(spUnit) as string },
    });
  }
  // lolo < lo < hi < hihi, and inside the range
  const ordered = setpoints.filter((s) => !Number.isNaN(s.value));
  for (let i = 1; i < ordered.length; i++) {
    const a = ordered[i - 1] as LevelSetpointDef;
    const b = ordered[i] as LevelSetpointDef;
    if (!(a.value < b.value))
      fail(
        sc.setpoints?.[b.condition] ? ['setpoints', b.condition, 'value'] : ['profile'],
        `setpoints must be ordered lolo < lo < hi < hihi: ${a.condition} ${a.display.value} ${a.display.unit} ` +
          `is not below ${b.condition} ${b.display.value} ${b.display.unit}`,
      );
  }
  if (range)
    for (const s of ordered)
      if (s.value < range[0] || s.value > range[1])
        fail(
          sc.setpoints?.[s.condition] ? ['setpoints', s.condition, 'value'] : ['profile'],
          `${s.condition} ${s.display.value} ${s.display.unit} is outside the sensor range [${range[0]}, ${range[1]}] ${unit}`,
        );

  let roc: RocDef | undefined;
  const rocCfg = sc.roc === null ? undefined : (sc.roc ?? profile?.roc);
  if (rocCfg) {
    const rocUnit = rocCfg.unit ?? profileUnit;
    const path = sc.roc ? ['roc'] : ['profile'];
    const delta = (d: number | undefined) =>
      d === undefined ? undefined : Math.abs(toSensor(d, rocUnit, path) - toSensor(0, rocUnit, path));
    if (rocCfg.rise === undefined && rocCfg.fall === undefined) fail(path, 'roc needs `rise` or `fall`');
    roc = {
      rise: delta(rocCfg.rise),
      fall: delta(rocCfg.fall),
      per: rocCfg.per,
      priority: rocCfg.priority,
      display: { rise: rocCfg.rise, fall: rocCfg.fall, unit: canonicalUnit(rocUnit) ?? rocUnit },
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
    profile: sc.profile,
    interval,
    staleAfter,
    stalePriority,
    faultPriority: profile?.faultPriority ?? 'high',
    setpoints,
    roc,
    maintenance: sc.maintenance ?? false,
  };
}
