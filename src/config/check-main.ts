/** Checks of config/gaswatch.yaml that the schema cannot express. */
import { badPasswordHashReason, weakTokenReason } from '../domain/credentials.js';
import { canonicalUnit, UNITS_BY_KIND } from '../domain/units.js';
import { badRangeReason } from '../util/net-ranges.js';
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
    // A malformed hash would match no password: the operator would find out at the console, in an emergency.
    const badHash = op.passwordHash === undefined ? undefined : badPasswordHashReason(op.passwordHash);
    if (badHash) issues.push({ path: ['operators', i, 'passwordHash'], message: badHash });
    const weak = op.token === undefined ? undefined : weakTokenReason(op.token);
    if (weak) issues.push({ path: ['operators', i, 'token'], message: weak });
    const twin = op.token === undefined ? -1 : main.operators.findIndex((o) => o.token === op.token);
    if (twin >= 0 && twin < i)
      issues.push({
        path: ['operators', i, 'token'],
        message: `the same token as operators.${twin} (${main.operators[twin]?.name}): each client needs its own`,
      });
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
  issues.push(...checkHttp(main.http));
  if (main.ha && main.mqtt.url === 'embedded')
    issues.push({ path: ['ha'], message: 'a hot-standby pair needs a broker both nodes reach, not the embedded one' });
  if (main.ha && main.ha.takeoverAfter < 1000)
    issues.push({
      path: ['ha', 'takeoverAfter'],
      message: 'must be at least 1s: a blip of the network must not move the partition',
    });
  return issues;
}

function checkHttp(h: MainConfig['http']): PathIssue[] {
  const issues: PathIssue[] = [];
  if (h.timeouts.headers > h.timeouts.request)
    issues.push({ path: ['http', 'timeouts', 'headers'], message: 'must not be longer than timeouts.request' });
  if (h.streams.reservedForOperators >= h.streams.max)
    issues.push({
      path: ['http', 'streams', 'reservedForOperators'],
      message: `must be less than streams.max (${h.streams.max}), or viewers get no stream at all`,
    });
  if (Array.isArray(h.trustProxy))
    h.trustProxy.forEach((e, i) => {
      const why = badRangeReason(e);
      if (why) issues.push({ path: ['http', 'trustProxy', i], message: why });
    });
  return issues;
}

/**
 * Settings that are valid but weaken the deployment (docs/security.md): `check-config` prints them
 * after its summary, and the daemon logs the ones that matter at start.
 */
export function mainWarnings(main: MainConfig): string[] {
  const out: string[] = [];
  const prefix = main.mqtt.prefix;
  if (!main.mqtt.commands.requireToken)
    out.push(
      `mqtt.commands.requireToken is false: anyone who can publish to ${prefix}/cmd/# can acknowledge and shelve ` +
        'alarms in the name of any configured operator; restrict that topic with broker ACLs (docs/security.md)',
    );
  else if (!main.operators.some((o) => o.role !== 'viewer' && o.token))
    out.push(
      `no operator with role operator or admin has a token: every MQTT command on ${prefix}/cmd/# will be refused`,
    );
  if (main.mqtt.tls && !main.mqtt.tls.rejectUnauthorized)
    out.push(
      'mqtt.tls.rejectUnauthorized is false: any host can pose as the broker and read or forge every reading and command',
    );
  if (main.mqtt.url.startsWith('mqtt://') && !/^mqtt:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(main.mqtt.url))
    out.push(
      'mqtt.url is plain mqtt:// to another host: readings, commands and the broker password cross the network in clear (use mqtts:// and mqtt.tls)',
    );
  return out;
}
