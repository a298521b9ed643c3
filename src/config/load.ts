/**
 * Loads config/gaswatch.yaml with its profile and site files (SPEC §6). Every problem in every file
 * is collected and returned at once, each as one line `FILE:LINE:COL  path.to.field  message`;
 * a broken part is skipped rather than stopping the load, so the other files are still checked.
 * Secrets substituted with ${env:…}/${file:…} never appear in the lines.
 */
import path from 'node:path';
import type { SiteDef } from '../domain/sensor.js';
import { checkMain } from './check-main.js';
import { expandGlob } from './glob.js';
import { formatIssue, type IssuePath, type LoadIssue, type Pos, sortIssues } from './issues.js';
import { type SiteDocument, siteResolver } from './resolve.js';
import { Id, Main, type MainConfig, Profile, type ProfileConfig, Sensor, Site } from './schema.js';
import { configSecrets } from './secrets.js';
import { locate, readSource, type SourceFile } from './source.js';
import { loadTls, type TlsMaterial } from './tls.js';
import { fromZod } from './zod-issues.js';

export interface LoadedConfig {
  /** Absolute path of the main file. */
  file: string;
  main: MainConfig;
  profiles: Record<string, ProfileConfig>;
  sites: Map<string, SiteDef>;
  /** Every file read, for watching. */
  files: string[];
  /** Values never to be shown: substituted ones and the config's passwords and tokens (secrets.ts). */
  secrets: ReadonlySet<string>;
  /** The PEM files of mqtt.tls and influx.tls, read and checked (tls.ts). */
  tls: TlsMaterial;
}

export type LoadResult = { ok: true; config: LoadedConfig } | { ok: false; errors: string[] };

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadResult> {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  const issues: LoadIssue[] = [];
  const secrets = new Set<string>();
  const sources = new Map<string, SourceFile>();
  const read = async (f: string) => {
    const src = await readSource(f, env, secrets, issues);
    sources.set(src.display, src);
    return src;
  };
  const zod = (
    src: SourceFile,
    error: Parameters<typeof fromZod>[0],
    schema: unknown,
    data: unknown,
    base: IssuePath = [],
  ) =>
    issues.push(
      ...fromZod(error, {
        file: src.display,
        base,
        schema,
        data,
        secretPaths: src.secretPaths,
        failedPaths: src.failedPaths,
      }),
    );

  // Main file. Without valid YAML there is no telling where the profiles and sites are; when it
  // is only invalid, its own `sites:`/`profiles:` are still followed so that the errors of those
  // files are reported in the same run.
  const mainSrc = await read(abs);
  if (!mainSrc.parsed) return failure(issues, sources, secrets);
  let main: MainConfig | undefined;
  const rawMain = mainSrc.data ?? {};
  const r = Main.safeParse(rawMain);
  let tls: TlsMaterial = { mqtt: undefined, influx: undefined };
  if (r.success) {
    main = r.data;
    for (const i of checkMain(main)) issues.push({ file: mainSrc.display, ...i });
    const t = await loadTls(main, dir, Date.now());
    tls = t.tls;
    for (const i of t.issues) issues.push({ file: mainSrc.display, ...i });
  } else zod(mainSrc, r.error, Main, rawMain);
  const pick = (key: 'sites' | 'profiles', dflt: string) =>
    main?.[key] ?? (isMap(rawMain) && typeof rawMain[key] === 'string' ? rawMain[key] : dflt);
  const sitesGlob = pick('sites', 'sites/*.yaml');

  // Profiles, each validated on its own: one broken profile does not hide the others.
  const profSrc = await read(path.resolve(dir, pick('profiles', 'profiles.yaml')));
  const profiles: Record<string, ProfileConfig> = {};
  const broken = new Set<string>();
  const rawProfiles = profSrc.data ?? (profSrc.parsed ? {} : undefined);
  const profilesReadable = isMap(rawProfiles);
  if (rawProfiles !== undefined && !isMap(rawProfiles))
    issues.push({ file: profSrc.display, path: [], message: 'expected a map of profile name → profile' });
  if (isMap(rawProfiles)) {
    for (const [name, entry] of Object.entries(rawProfiles)) {
      const key = Id.safeParse(name);
      if (!key.success)
        issues.push({
          file: profSrc.display,
          path: [name],
          at: 'key',
          message: `"${name}" is not a valid profile name: ${key.error.issues[0]?.message}`,
        });
      const r = Profile.safeParse(entry);
      if (!r.success) zod(profSrc, r.error, Profile, entry, [name]);
      if (r.success && key.success) profiles[name] = r.data;
      else broken.add(name);
    }
  }

  // Sites, each resolved as soon as it is read: holding every parsed file until the end would
  // cost hundreds of MB at 100k sensors, all of it garbage once resolved.
  const resolver = siteResolver({
    main: main ?? Main.parse({}),
    profilesFile: profSrc.display,
    profiles,
    brokenProfiles: broken,
  });
  const siteAbs: string[] = [];
  const globbed = await expandGlob(path.resolve(dir, sitesGlob));
  // A substituted pattern is a secret: say what is wrong without the directory it names (issue 11).
  const hidden = mainSrc.secretPaths.some((p) => p[0] === 'sites');
  if (!globbed.ok)
    issues.push({
      file: mainSrc.display,
      path: ['sites'],
      message: hidden
        ? `substituted pattern (not shown): ${globbed.reason.replace(/^cannot list .*: /, '')}`
        : globbed.reason,
    });
  else if (globbed.files.length === 0)
    issues.push({
      file: mainSrc.display,
      path: ['sites'],
      message: hidden
        ? 'no site file matches the substituted pattern (not shown)'
        : `no site file matches "${sitesGlob}"`,
    });
  else siteAbs.push(...globbed.files);
  for (const f of siteAbs) {
    const before = issues.length + resolver.issues.length;
    const src = await read(f);
    if (!src.parsed) continue;
    let doc: SiteDocument | undefined;
    const r = Site.safeParse(src.data);
    if (r.success) doc = { file: src.display, site: r.data };
    else {
      zod(src, r.error, Site, src.data);
      const salvaged = salvageSite(src.data);
      if (salvaged) doc = { file: src.display, ...salvaged };
    }
    src.data = undefined;
    if (!doc) continue;
    // Without a readable profiles file every profile reference would be "unknown": not worth saying.
    if (!profilesReadable) for (const s of doc.site.sensors) if (s.profile) resolver.broken.add(s.profile);
    resolver.add(doc);
    // A file is never blamed for a later one, so a clean file's text (kept to locate issues) can go.
    if (issues.length + resolver.issues.length === before) src.text = undefined;
  }
  issues.push(...resolver.issues);

  if (issues.length > 0) return failure(issues, sources, secrets);
  const secretFiles = [...sources.values()].flatMap((s) => s.secretFiles);
  return {
    ok: true,
    config: {
      file: abs,
      main: main as MainConfig,
      profiles,
      sites: resolver.sites,
      files: [...new Set([abs, profSrc.abs, ...siteAbs, ...secretFiles])],
      secrets: configSecrets(main, tls.mqtt?.key ? [...secrets, tls.mqtt.key.toString('utf8').trim()] : secrets),
      tls,
    },
  };
}

function failure(issues: LoadIssue[], sources: Map<string, SourceFile>, secrets: Set<string>): LoadResult {
  const located = issues.map((i) => {
    const src = sources.get(i.file);
    const pos: Pos = i.pos ?? (src ? locate(src, i.path, i.at) : { line: 1, col: 1 });
    return { ...i, pos };
  });
  return { ok: false, errors: sortIssues(located, [...sources.keys()]).map((i) => formatIssue(i, secrets)) };
}

/**
 * The parts of a site file that passed the schema, so their duplicate ids and bad setpoints are
 * reported in the same run as the schema errors. Nothing from here is ever used live: any issue
 * makes the load fail.
 */
function salvageSite(data: unknown): Omit<SiteDocument, 'file'> | undefined {
  if (!isMap(data)) return undefined;
  const head = Site.safeParse({ ...data, sensors: [], responsible: [], maintenance: [] });
  if (!head.success) return undefined;
  const sensorIndex: number[] = [];
  const sensors = (Array.isArray(data.sensors) ? data.sensors : []).flatMap((s, i) => {
    const r = Sensor.safeParse(s);
    if (!r.success) return [];
    sensorIndex.push(i);
    return [r.data];
  });
  return { site: { ...head.data, sensors }, sensorIndex };
}
