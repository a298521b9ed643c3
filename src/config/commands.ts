/** `gaswatch check-config` and `gaswatch schema` (SPEC §7). */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SensorDef, SiteDef } from '../domain/sensor.js';
import { convert } from '../domain/units.js';
import { redactText, secretList } from '../util/redact.js';
import { mainWarnings } from './check-main.js';
import { fmt, GBT_50493_CAPS } from './check-profile.js';
import { jsonSchemaText, SCHEMA_KINDS, type SchemaKind } from './json-schema.js';
import { type LoadedConfig, loadConfig } from './load.js';
import { displayPath } from './source.js';

export interface CommandOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Exit 1 with every error, one per line; otherwise 0 with a summary of what is configured. */
export async function checkConfigCommand(
  args: { config: string; env?: NodeJS.ProcessEnv },
  out: CommandOutput,
): Promise<number> {
  const result = await loadConfig(args.config, args.env ?? process.env);
  if (!result.ok) {
    for (const line of result.errors) out.stderr.write(`${line}\n`);
    const n = result.errors.length;
    out.stderr.write(`\n${n} error${n === 1 ? '' : 's'}: ${displayPath(path.resolve(args.config))} is not valid\n`);
    return 1;
  }
  // The summary names files and sites: any of them may have come from a substitution.
  out.stdout.write(redactText(summary(result.config, Date.now()), secretList(result.config.secrets)));
  return 0;
}

export function summary(config: LoadedConfig, now: number): string {
  const sites = [...config.sites.values()];
  const sensors = sites.flatMap((s) => [...s.sensors.values()]);
  const names = Object.keys(config.profiles).sort();
  const lines = [
    `${displayPath(config.file)}: OK`,
    `  profiles: ${names.length} (${names.join(', ')})`,
    `  sites: ${sites.length}, sensors: ${sensors.length}`,
  ];
  const width = Math.max(...sites.map((s) => s.id.length));
  for (const s of sites) {
    const kinds = countBy([...s.sensors.values()].map((x) => x.kind));
    lines.push(`    ${s.id.padEnd(width)}  ${s.name} (${s.type}): ${s.sensors.size} sensors — ${kinds}`);
  }
  const ops = config.main.operators;
  lines.push(
    ops.length
      ? `  operators: ${ops.map((o) => `${o.name} (${o.role})`).join(', ')}`
      : '  operators: none — nobody can log in to the console or use the API until one is added',
  );
  const bare = sensors.filter((s) => s.setpoints.length === 0 && !s.roc).map((s) => `${s.site}/${s.id}`);
  if (bare.length) lines.push(`  without setpoints (stale and fault alarms only): ${bare.join(', ')}`);
  const above = aboveStandard(sites);
  if (above.length) lines.push(`  above GB/T 50493 caps by exceedsStandard: ${above.join(', ')}`);
  const active = sites.flatMap((s) =>
    s.maintenance
      .filter((w) => now >= w.from && now < w.to)
      .map((w) => `${s.id} (${w.sensors?.join(', ') ?? 'whole site'})`),
  );
  if (active.length) lines.push(`  in a maintenance window now: ${active.join('; ')}`);
  lines.push(...calibrationLines(config, sensors, now));
  for (const w of mainWarnings(config.main)) lines.push(`  warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

/** Sensors past their calibration (a hazard once the daemon runs the rule), and those without dates. */
function calibrationLines(config: LoadedConfig, sensors: SensorDef[], now: number): string[] {
  const due = sensors
    .filter((s) => s.calibratedAt !== undefined && s.calibratedAt + (s.calibrationInterval ?? 0) <= now)
    .map((s) => `${s.site}/${s.id}`);
  const out = due.length ? [`  calibration due: ${due.join(', ')}`] : [];
  const undated = sensors.filter((s) => s.calibratedAt === undefined).length;
  if (config.main.hazards.rules.calibration && undated)
    out.push(`  without calibration dates (the calibration rule cannot see them): ${undated} sensors`);
  return out;
}

function countBy(items: string[]): string {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return [...m].map(([k, n]) => `${n} ${k}`).join(', ');
}

/** Setpoints accepted above the GB/T 50493 caps: worth showing on every check, for the safety officer. */
function aboveStandard(sites: SiteDef[]): string[] {
  const out: string[] = [];
  for (const site of sites)
    for (const s of site.sensors.values())
      for (const sp of s.setpoints) {
        if (s.kind !== 'gas' || s.lel === undefined || (sp.condition !== 'hi' && sp.condition !== 'hihi')) continue;
        const pct = convert(sp.value, s.unit, '%LEL', s);
        if (pct.ok && pct.value > GBT_50493_CAPS[sp.condition] * (1 + 1e-9))
          out.push(`${site.id}/${s.id}/${sp.condition} ${fmt(pct.value)} %LEL`);
      }
  return out;
}

/**
 * Prints the JSON Schema of one config file kind (default the main file), or with `write` writes
 * all three into that directory (how config/schema/ is regenerated).
 */
export async function schemaCommand(out: CommandOutput, opts: { kind?: string; write?: string } = {}): Promise<number> {
  if (opts.write !== undefined) {
    await mkdir(opts.write, { recursive: true });
    for (const kind of Object.keys(SCHEMA_KINDS) as SchemaKind[]) {
      const file = path.join(opts.write, SCHEMA_KINDS[kind].file);
      await writeFile(file, jsonSchemaText(kind));
      out.stdout.write(`wrote ${displayPath(path.resolve(file))}\n`);
    }
    return 0;
  }
  const kind = opts.kind ?? 'main';
  if (!(kind in SCHEMA_KINDS)) {
    out.stderr.write(`unknown schema "${kind}": use ${Object.keys(SCHEMA_KINDS).join(', ')}\n`);
    return 2;
  }
  out.stdout.write(jsonSchemaText(kind as SchemaKind));
  return 0;
}
