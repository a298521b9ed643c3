/**
 * Loads config/gaswatch.yaml with its profile and site files.
 * (Minimal version: the operator-grade error reporting is being built on top of this API.)
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import type { SiteDef } from '../domain/sensor.js';
import { resolveSites, type SiteDocument } from './resolve.js';
import { Main, type MainConfig, type ProfileConfig, ProfilesFile, Site } from './schema.js';

export interface LoadedConfig {
  /** Absolute path of the main file. */
  file: string;
  main: MainConfig;
  profiles: Record<string, ProfileConfig>;
  sites: Map<string, SiteDef>;
  /** Every file read, for watching. */
  files: string[];
}

export type LoadResult = { ok: true; config: LoadedConfig } | { ok: false; errors: string[] };

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadResult> {
  void env;
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  const errors: string[] = [];
  const main = Main.safeParse(parse(await readFile(abs, 'utf8')) ?? {});
  if (!main.success)
    return { ok: false, errors: main.error.issues.map((i) => `${abs}  ${i.path.join('.')}  ${i.message}`) };
  const profilesFile = path.resolve(dir, main.data.profiles);
  const profiles = ProfilesFile.safeParse(parse(await readFile(profilesFile, 'utf8')) ?? {});
  if (!profiles.success)
    return {
      ok: false,
      errors: profiles.error.issues.map((i) => `${profilesFile}  ${i.path.join('.')}  ${i.message}`),
    };
  const siteGlob = path.resolve(dir, main.data.sites);
  const siteDir = path.dirname(siteGlob);
  const files = (await readdir(siteDir)).filter((f) => f.endsWith('.yaml')).map((f) => path.join(siteDir, f));
  const docs: SiteDocument[] = [];
  for (const f of files.sort()) {
    const s = Site.safeParse(parse(await readFile(f, 'utf8')));
    if (!s.success) errors.push(...s.error.issues.map((i) => `${f}  ${i.path.join('.')}  ${i.message}`));
    else docs.push({ file: f, site: s.data });
  }
  const { sites, issues } = resolveSites({ main: main.data, profilesFile, profiles: profiles.data, sites: docs });
  errors.push(...issues.map((i) => `${i.file}  ${i.path.join('.')}  ${i.message}`));
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    config: { file: abs, main: main.data, profiles: profiles.data, sites, files: [abs, profilesFile, ...files] },
  };
}
