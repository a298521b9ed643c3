/** Checks of config/gaswatch.yaml that the schema cannot express. */
import { canonicalUnit, UNITS_BY_KIND } from '../domain/units.js';
import type { PathIssue } from './check-profile.js';
import type { MainConfig } from './schema.js';

export function checkMain(main: MainConfig): PathIssue[] {
  const issues: PathIssue[] = [];
  main.mqtt.topics.forEach((t, i) => {
    const levels = t.split('/');
    for (const v of ['{site}', '{sensor}'])
      if (levels.filter((l) => l === v).length !== 1)
        issues.push({
          path: ['mqtt', 'topics', i],
          message: `"${t}" must have ${v} exactly once, as a whole topic level (e.g. gas/{site}/{sensor})`,
        });
    const hash = levels.indexOf('#');
    if (hash >= 0 && hash !== levels.length - 1)
      issues.push({ path: ['mqtt', 'topics', i], message: `"${t}": # may only be the last topic level` });
  });
  const seen = new Map<string, number>();
  main.operators.forEach((op, i) => {
    const first = seen.get(op.name);
    if (first !== undefined)
      issues.push({
        path: ['operators', i, 'name'],
        message: `operator "${op.name}" is already declared at operators.${first}`,
      });
    else seen.set(op.name, i);
    if (op.passwordHash === undefined && op.token === undefined)
      issues.push({ path: ['operators', i], message: `operator "${op.name}" needs passwordHash or token to log in` });
  });
  if (main.alarms.defaultInterval <= 0)
    issues.push({ path: ['alarms', 'defaultInterval'], message: 'must be longer than 0' });
  if (main.influx.flushInterval <= 0)
    issues.push({ path: ['influx', 'flushInterval'], message: 'must be longer than 0' });
  const drift = main.hazards.rules.drift;
  const gasUnits = UNITS_BY_KIND.gas;
  if (drift && !gasUnits.includes(canonicalUnit(drift.unit) ?? ''))
    issues.push({
      path: ['hazards', 'rules', 'drift', 'unit'],
      message: `"${drift.unit}" is not a gas unit: use one of ${gasUnits.join(', ')}`,
    });
  const port = Number(main.http.listen.slice(main.http.listen.lastIndexOf(':') + 1));
  if (!(port <= 65535)) issues.push({ path: ['http', 'listen'], message: `port ${port} is not 0–65535` });
  return issues;
}
