/** Checks of a sensor's resolved level setpoints: ordered lolo < lo < hi < hihi, and inside the range. */
import type { LevelSetpointDef } from '../domain/sensor.js';
import type { LevelCondition } from '../domain/types.js';
import { fmt } from './check-profile.js';
import type { IssuePath } from './issues.js';
import type { Report } from './resolve-sensor.js';

export interface Resolved {
  def: LevelSetpointDef;
  /** The sensor itself sets this setpoint's value or unit. */
  own: boolean;
  path: IssuePath;
  shown: string;
}

/** lolo < lo < hi < hihi, all inside the range: blamed on whichever the sensor itself wrote. */
export function checkLevels(
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
