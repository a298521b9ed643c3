/**
 * The secret values of a loaded config, for the redaction rule (src/util/redact.ts): every value a
 * `${env:}`/`${file:}` substitution produced, and the fields that are secrets wherever they were
 * written (passwords, tokens, robot secrets, webhook header values) with the HTTP Basic credentials
 * built from them. Nothing here is ever shown; it only says what to mask.
 */
import type { MainConfig } from './schema.js';

export function configSecrets(main: MainConfig | undefined, substituted: Iterable<string>): Set<string> {
  const out = new Set<string>(substituted);
  if (!main) return out;
  const add = (v: string | undefined) => {
    if (v) out.add(v);
  };
  add(main.mqtt.password);
  add(main.influx.password);
  for (const [user, pass] of [
    [main.mqtt.username, main.mqtt.password],
    [main.influx.username, main.influx.password],
  ])
    if (pass) out.add(Buffer.from(`${user ?? ''}:${pass}`).toString('base64'));
  for (const op of main.operators) {
    add(op.token);
    add(op.passwordHash);
  }
  for (const c of main.notify?.channels ?? []) {
    if ('secret' in c) add(c.secret);
    if (c.type === 'email') add(c.smtp.password);
    if (c.type === 'webhook') for (const v of Object.values(c.headers ?? {})) add(v);
  }
  return out;
}
