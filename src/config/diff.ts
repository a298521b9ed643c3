/**
 * What a reload changes (SPEC §6: "a log line per changed setpoint (old → new)"; STYLE habit 5:
 * say which changes applied live and which need a restart). Lines name keys and setpoints only,
 * never values of connection settings, which may hold secrets.
 */
import type { LevelSetpointDef, RocDef, SensorDef, SiteDef } from '../domain/sensor.js';
import { applyMode } from './apply-mode.js';
import { fmt } from './check-profile.js';
import type { LoadedConfig } from './load.js';
import { formatDuration } from './units-parse.js';

export interface ConfigDiff {
  /** One line per changed setpoint: "zjk-depot/GD-12/hi 20 → 18 %LEL". */
  setpointChanges: string[];
  /** "site/sensor" ids. */
  addedSensors: string[];
  /** "site/sensor" ids: close their alarms. */
  removedSensors: string[];
  /** Alarm ids "site/sensor/condition" of setpoints (or roc) a kept sensor no longer has: close them. */
  removedConditions: string[];
  /** Other changes of kept sensors and sites, applied live: "zjk-depot/PT-101 interval 5s → 10s". */
  otherChanges: string[];
  /** Main-file keys whose change needs a restart: "mqtt.url" (schema metadata, apply-mode.ts). */
  restartNeeded: string[];
  /** Main-file keys that changed and apply live: "alarms.startupGrace", "operators". */
  liveChanges: string[];
}

export function diffConfig(old: LoadedConfig, next: LoadedConfig): ConfigDiff {
  const d: ConfigDiff = {
    setpointChanges: [],
    addedSensors: [],
    removedSensors: [],
    removedConditions: [],
    otherChanges: [],
    restartNeeded: [],
    liveChanges: [],
  };
  for (const path of changedKeys(old.main, next.main))
    (applyMode(path) === 'restart' ? d.restartNeeded : d.liveChanges).push(path.join('.'));

  for (const [id, site] of next.sites)
    if (!old.sites.has(id)) d.otherChanges.push(`${id} added (${site.sensors.size} sensors)`);
  for (const [id, site] of old.sites)
    if (!next.sites.has(id)) d.otherChanges.push(`${id} removed (${site.sensors.size} sensors)`);
  for (const site of new Set([...old.sites.keys(), ...next.sites.keys()])) {
    const a = old.sites.get(site);
    const b = next.sites.get(site);
    if (a && b) diffSite(a, b, d);
    for (const id of b?.sensors.keys() ?? []) if (!a?.sensors.has(id)) d.addedSensors.push(`${site}/${id}`);
    for (const id of a?.sensors.keys() ?? []) if (!b?.sensors.has(id)) d.removedSensors.push(`${site}/${id}`);
    for (const [id, sa] of a?.sensors ?? []) {
      const sb = b?.sensors.get(id);
      if (sb) diffSensor(sa, sb, d);
    }
  }
  return d;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const isSection = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Paths of the main-file settings that differ: a key of a section ("mqtt.url"), or a whole value
 * that is not a section ("operators", "notify" is reported by its keys too).
 */
function changedKeys(a: object, b: object): string[][] {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const out: string[][] = [];
  for (const key of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
    const x = ra[key];
    const y = rb[key];
    if (same(x, y)) continue;
    if (isSection(x) && isSection(y)) {
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) if (!same(x[k], y[k])) out.push([key, k]);
    } else out.push([key]);
  }
  return out;
}

/**
 * The config to run after a reload: `next`, except that settings needing a restart keep their
 * running values (they are reported, not applied).
 */
export function appliedMain<T extends object>(running: T, next: T): T {
  const out = structuredClone(next) as Record<string, unknown>;
  const r = running as Record<string, unknown>;
  for (const path of changedKeys(running, next)) {
    if (applyMode(path) !== 'restart') continue;
    const [key, sub] = path as [string, string | undefined];
    if (sub === undefined) out[key] = r[key];
    else {
      const section = { ...(out[key] as Record<string, unknown>) };
      const was = (r[key] as Record<string, unknown> | undefined)?.[sub];
      if (was === undefined) delete section[sub];
      else section[sub] = was;
      out[key] = section;
    }
  }
  return out as T;
}

function diffSite(a: SiteDef, b: SiteDef, d: ConfigDiff): void {
  for (const key of ['name', 'type', 'timezone', 'responsible', 'maintenance'] as const)
    if (!same(a[key], b[key])) d.otherChanges.push(`${a.id} ${key} changed`);
}

const dur = (ms: number | undefined) => (ms === undefined ? 'none' : formatDuration(ms));

function diffSensor(a: SensorDef, b: SensorDef, d: ConfigDiff): void {
  const id = `${a.site}/${a.id}`;
  const other: string[] = [];
  const field = (name: string, x: unknown, y: unknown, show: (v: never) => string = String) => {
    if (!same(x, y)) other.push(`${name} ${show(x as never)} → ${show(y as never)}`);
  };
  const range = (r: readonly [number, number] | undefined) => (r ? `[${fmt(r[0])}, ${fmt(r[1])}]` : 'none');
  field('unit', a.unit, b.unit);
  field('kind', a.kind, b.kind);
  field('profile', a.profile ?? 'none', b.profile ?? 'none');
  field('range', a.range, b.range, range);
  field('scale', a.scale, b.scale, range);
  field('interval', a.interval, b.interval, dur);
  field('staleAfter', a.staleAfter, b.staleAfter, dur);
  field('stalePriority', a.stalePriority, b.stalePriority);
  field('faultPriority', a.faultPriority, b.faultPriority);
  field('maintenance', a.maintenance, b.maintenance);
  field('gas', a.gas ?? 'none', b.gas ?? 'none');
  field('lel', a.lel ?? 'none', b.lel ?? 'none');
  field('name', a.name ?? '', b.name ?? '', (v: string) => JSON.stringify(v));
  field('asset', a.asset ?? '', b.asset ?? '', (v: string) => JSON.stringify(v));
  const day = (t: number | undefined) => (t === undefined ? 'none' : new Date(t).toISOString().slice(0, 10));
  field('calibratedAt', a.calibratedAt, b.calibratedAt, day);
  field('calibrationInterval', a.calibrationInterval, b.calibrationInterval, dur);
  if (other.length) d.otherChanges.push(`${id} ${other.join(', ')}`);

  const byCond = (s: SensorDef) => new Map(s.setpoints.map((p) => [p.condition as string, p]));
  const sa = byCond(a);
  const sb = byCond(b);
  for (const cond of ['lolo', 'lo', 'hi', 'hihi']) {
    const line = setpointLine(sa.get(cond), sb.get(cond), b.unit);
    if (line) d.setpointChanges.push(`${id}/${cond} ${line}`);
    if (sa.has(cond) && !sb.has(cond)) d.removedConditions.push(`${id}/${cond}`);
  }
  const roc = rocLine(a.roc, b.roc);
  if (roc) d.setpointChanges.push(`${id}/roc ${roc}`);
  if (a.roc && !b.roc) d.removedConditions.push(`${id}/roc`);
}

const shown = (s: LevelSetpointDef) => `${fmt(s.display.value)} ${s.display.unit}`;

function setpointLine(
  a: LevelSetpointDef | undefined,
  b: LevelSetpointDef | undefined,
  unit: string,
): string | undefined {
  if (!a && !b) return undefined;
  if (!a) return `added: ${shown(b as LevelSetpointDef)}, ${(b as LevelSetpointDef).priority}`;
  if (!b) return `removed (was ${shown(a)})`;
  const parts: string[] = [];
  const f = (name: string, x: unknown, y: unknown, show: (v: never) => string = String) => {
    if (!same(x, y)) parts.push(`${name} ${show(x as never)} → ${show(y as never)}`);
  };
  f('priority', a.priority, b.priority);
  f('deadband', a.deadband, b.deadband, (v: number) => `${fmt(v)} ${unit}`);
  f('onDelay', a.onDelay, b.onDelay, dur);
  f('offDelay', a.offDelay, b.offDelay, dur);
  f('latch', a.latch, b.latch);
  f('realarmAfter', a.realarmAfter, b.realarmAfter, dur);
  const valueChanged = a.display.value !== b.display.value || a.display.unit !== b.display.unit;
  if (!valueChanged) return parts.length ? parts.join(', ') : undefined;
  const head =
    a.display.unit === b.display.unit
      ? `${fmt(a.display.value)} → ${fmt(b.display.value)} ${b.display.unit}`
      : `${shown(a)} → ${shown(b)}`;
  return [head, ...parts].join(', ');
}

function rocLine(a: RocDef | undefined, b: RocDef | undefined): string | undefined {
  const show = (r: RocDef) =>
    [
      r.rise === undefined ? '' : `rise ${fmt(r.display.rise as number)}`,
      r.fall === undefined ? '' : `fall ${fmt(r.display.fall as number)}`,
    ]
      .filter(Boolean)
      .join(' ') + ` ${r.display.unit} per ${formatDuration(r.per)} ${r.priority}`;
  if (!a && !b) return undefined;
  if (!a) return `added: ${show(b as RocDef)}`;
  if (!b) return `removed (was ${show(a)})`;
  return same(a, b) ? undefined : `${show(a)} → ${show(b)}`;
}
