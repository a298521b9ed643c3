/**
 * Turns validated config documents into resolved site and sensor definitions, and finds the
 * problems the schema cannot see (SPEC §6): duplicate ids, unknown profiles, setpoints out of order
 * or out of range, units that do not fit the kind, unknown gases, GB/T 50493 caps. Each problem is
 * returned with its file and the path inside it, so the loader can point at the line.
 */
import type { SensorDef, SiteDef } from '../domain/sensor.js';
import { checkProfile } from './check-profile.js';
import { resolveSensor } from './resolve-sensor.js';
import type { MainConfig, ProfileConfig, SiteConfig } from './schema.js';
import { didYouMean } from './suggest.js';

export interface ConfigIssue {
  file: string;
  path: (string | number)[];
  message: string;
}

export interface SiteDocument {
  file: string;
  site: SiteConfig;
  /**
   * When only some sensors of a file passed the schema (the loader still checks those), the index
   * of each in the file, so issues point at the right line.
   */
  sensorIndex?: number[];
}

export interface ResolveInput {
  main: MainConfig;
  profilesFile: string;
  profiles: Record<string, ProfileConfig>;
  /** Profiles that exist but failed validation (reported elsewhere): their sensors are not resolved. */
  brokenProfiles?: ReadonlySet<string>;
  sites: SiteDocument[];
  /** Epoch ms calibration dates are checked against (default: the time of the call). */
  now?: number;
}

export function resolveSites(input: ResolveInput): { sites: Map<string, SiteDef>; issues: ConfigIssue[] } {
  const resolver = siteResolver(input);
  for (const doc of input.sites) resolver.add(doc);
  return { sites: resolver.sites, issues: resolver.issues };
}

export interface SiteResolver {
  readonly sites: Map<string, SiteDef>;
  readonly issues: ConfigIssue[];
  /** Profiles whose sensors are not resolved (their problems are reported elsewhere). */
  readonly broken: Set<string>;
  /** Resolves one site file now, so the loader can let go of its parsed documents (a fleet's are hundreds of MB). */
  add(doc: SiteDocument): void;
}

/** Resolves site files one at a time; the profiles are checked first. */
export function siteResolver(input: Omit<ResolveInput, 'sites'>): SiteResolver {
  const issues: ConfigIssue[] = [];
  const broken = new Set(input.brokenProfiles);
  for (const [name, profile] of Object.entries(input.profiles)) {
    const found = checkProfile(name, profile);
    for (const i of found) issues.push({ file: input.profilesFile, ...i });
    if (found.length > 0) broken.add(name);
  }
  const sensorInput = {
    main: input.main,
    now: input.now ?? Date.now(),
    profilesFile: input.profilesFile,
    profiles: input.profiles,
    broken,
  };

  const sites = new Map<string, SiteDef>();
  const siteFiles = new Map<string, string>();
  const shared = new Interner();
  /** Sensors numbered in the order they are resolved: SensorDef.index. */
  let count = 0;
  const add = ({ file, site, sensorIndex }: SiteDocument): void => {
    const prev = siteFiles.get(site.id);
    if (prev !== undefined) {
      issues.push({ file, path: ['id'], message: `site id "${site.id}" is already used in ${prev}` });
      return;
    }
    siteFiles.set(site.id, file);
    const sensors = new Map<string, SensorDef>();
    const firstIndex = new Map<string, number>();
    site.sensors.forEach((sc, n) => {
      const i = sensorIndex?.[n] ?? n;
      const at = (...p: (string | number)[]) => ['sensors', i, ...p];
      const first = firstIndex.get(sc.id);
      if (first !== undefined) {
        issues.push({
          file,
          path: at('id'),
          message: `duplicate sensor id "${sc.id}": already used by sensors.${first}`,
        });
        return;
      }
      firstIndex.set(sc.id, i);
      const def = resolveSensor(sensorInput, site.id, sc, (path, message) =>
        issues.push({ file, path: at(...path), message }),
      );
      if (!def) return;
      def.index = count++;
      sensors.set(sc.id, shared.intern(def));
    });
    site.maintenance.forEach((w, i) => {
      const times = { from: Date.parse(w.from), to: Date.parse(w.to) };
      for (const key of ['from', 'to'] as const)
        if (Number.isNaN(times[key]) || !/^\d{4}-\d\d-\d\d/.test(w[key]))
          issues.push({
            file,
            path: ['maintenance', i, key],
            message: `"${w[key]}" is not an ISO-8601 time such as 2026-03-02T08:00:00+08:00`,
          });
      if (times.from >= times.to)
        issues.push({
          file,
          path: ['maintenance', i, 'to'],
          message: `the window must end after it starts (${w.from})`,
        });
      for (const [j, s] of (w.sensors ?? []).entries())
        if (!firstIndex.has(s))
          issues.push({
            file,
            path: ['maintenance', i, 'sensors', j],
            message: `no sensor "${s}" in site ${site.id}${didYouMean(s, firstIndex.keys())}`,
          });
    });
    site.responsible.forEach((r, i) => {
      if (r.escalateAfter <= 0)
        issues.push({ file, path: ['responsible', i, 'escalateAfter'], message: 'must be longer than 0' });
    });
    sites.set(site.id, {
      id: site.id,
      name: site.name ?? site.id,
      type: site.type,
      timezone: site.timezone,
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
  };
  return { sites, issues, broken, add };
}

/**
 * Sensors of the same profile, unit and gas resolve to equal setpoints: share one copy. At 100k
 * sensors this is most of the resolved config's memory. Strings read from each site file (kind,
 * gas, profile, asset) and ranges are shared the same way: equal values, one copy. The defs are
 * never mutated.
 */
class Interner {
  private readonly setpoints = new Map<string, SensorDef['setpoints']>();
  private readonly rocs = new Map<string, NonNullable<SensorDef['roc']>>();
  private readonly pairs = new Map<string, readonly [number, number]>();
  private readonly strings = new Map<string, string>();

  intern(def: SensorDef): SensorDef {
    const spKey = JSON.stringify(def.setpoints);
    const sp = this.setpoints.get(spKey);
    if (sp) def.setpoints = sp;
    else this.setpoints.set(spKey, def.setpoints);
    if (def.roc) {
      const rocKey = JSON.stringify(def.roc);
      const roc = this.rocs.get(rocKey);
      if (roc) def.roc = roc;
      else this.rocs.set(rocKey, def.roc);
    }
    def.kind = this.string(def.kind);
    def.gas = def.gas === undefined ? undefined : this.string(def.gas);
    def.profile = def.profile === undefined ? undefined : this.string(def.profile);
    def.asset = def.asset === undefined ? undefined : this.string(def.asset);
    def.range = def.range && this.pair(def.range);
    def.scale = def.scale && this.pair(def.scale);
    return def;
  }

  private string<T extends string>(s: T): T {
    const found = this.strings.get(s);
    if (found !== undefined) return found as T;
    this.strings.set(s, s);
    return s;
  }

  private pair(p: readonly [number, number]): readonly [number, number] {
    const key = `${p[0]},${p[1]}`;
    const found = this.pairs.get(key);
    if (found) return found;
    this.pairs.set(key, p);
    return p;
  }
}
