/**
 * Operator commands over MQTT (SPEC §4): `{prefix}/cmd/ack|shelve|unshelve` with
 * `{"id", "operator", "token", "comment" | "reason", "minutes"}`, answered on `{prefix}/cmd/result`.
 *
 * Anyone who can publish to the broker can send one, so a command must name a configured operator
 * with a write role (`operator`, `admin`) and carry that operator's API `token`, compared in
 * constant time; `mqtt.commands.requireToken: false` waives the token (never the operator) for a
 * deployment that restricts `{prefix}/cmd/#` with broker ACLs. A payload over 8 KiB is refused
 * before it is parsed, a comment or reason over 1000 characters is refused (never truncated: what
 * an operator wrote is recorded whole or not at all). Every refusal is counted by reason and
 * answered on the result topic, saying why without saying whether the operator or the token was
 * wrong. A retained command is never acted on: it would be replayed at every restart.
 */
import type { MainConfig } from '../config/schema.js';
import type { AlarmCommandPort } from '../domain/ports.js';
import { type Logger, RateLimitedLog } from '../util/logger.js';
import { secretEquals } from '../util/secret-equals.js';

export const COMMAND_VERBS = ['ack', 'shelve', 'unshelve'] as const;
export type CommandVerb = (typeof COMMAND_VERBS)[number];

/** SPEC §4 limits. */
export const COMMAND_MAX_BYTES = 8 * 1024;
export const COMMAND_TEXT_MAX = 1000;

export type RefusalReason =
  | 'too_large'
  | 'too_long'
  | 'bad_request'
  | 'unknown_operator'
  | 'bad_token'
  | 'forbidden'
  | 'retained';

export type CommandAnswer =
  | { ok: true; [k: string]: unknown }
  | { ok: false; code: string; message: string; id?: string; [k: string]: unknown };

export interface CommandDeps {
  alarms: AlarmCommandPort;
  /** The operators of the running config (swapped on reload). */
  operators: () => readonly MainConfig['operators'][number][];
  requireToken: boolean;
  logger: Logger;
  /** An accepted command (authenticated, well-formed), whatever the engine then answers. */
  accepted: (verb: CommandVerb) => void;
  refused: (reason: RefusalReason) => void;
  now: () => number;
}

const WRITE_ROLES: ReadonlySet<string> = new Set(['operator', 'admin']);

class Refusal {
  constructor(
    readonly reason: RefusalReason,
    readonly code: string,
    readonly message: string,
  ) {}
}

export class CommandHandler {
  private readonly refusalLog = new RateLimitedLog(60_000);

  constructor(private readonly deps: CommandDeps) {}

  /** Handle one command message; the answer goes to the result topic. */
  handle(verb: CommandVerb, payload: Buffer, retain: boolean): CommandAnswer {
    let id: string | undefined;
    try {
      if (retain)
        throw new Refusal('retained', 'bad_request', 'a retained command is never acted on: publish it without retain');
      if (payload.length > COMMAND_MAX_BYTES)
        throw new Refusal(
          'too_large',
          'too_large',
          `command payload of ${payload.length} bytes exceeds the limit of ${COMMAND_MAX_BYTES}`,
        );
      const body = parse(payload);
      id = typeof body.id === 'string' ? body.id : undefined;
      const operator = this.authenticate(body);
      const result = this.apply(verb, body, operator);
      this.deps.accepted(verb);
      return result;
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      this.deps.refused(err.reason);
      if (this.refusalLog.take(err.reason, this.deps.now()) >= 0)
        this.deps.logger.warn({ verb, reason: err.reason, detail: err.message }, 'MQTT command refused');
      return { ok: false, code: err.code, message: err.message, ...(id !== undefined ? { id } : {}) };
    }
  }

  private authenticate(body: Record<string, unknown>): string {
    const name = typeof body.operator === 'string' ? body.operator : '';
    if (!name) throw new Refusal('bad_request', 'bad_request', 'command needs "operator"');
    const token = typeof body.token === 'string' ? body.token : '';
    const op = this.deps.operators().find((o) => o.name === name);
    const denied = new Refusal(
      op ? 'bad_token' : 'unknown_operator',
      'unauthorized',
      'operator or token not accepted: a command names a configured operator and carries that operator’s token',
    );
    if (this.deps.requireToken) {
      // Compared even for an unknown name, so the time taken does not tell which names exist.
      const ok = secretEquals(op?.token ?? '\u0000no token', token) && op?.token !== undefined && op.token !== '';
      if (!op || !ok) throw denied;
    } else if (!op) throw denied;
    if (!WRITE_ROLES.has(op.role))
      throw new Refusal(
        'forbidden',
        'forbidden',
        `operator "${name}" is a ${op.role}: acknowledging and shelving need operator or admin`,
      );
    return op.name;
  }

  private apply(verb: CommandVerb, body: Record<string, unknown>, operator: string): CommandAnswer {
    const id = typeof body.id === 'string' ? body.id : '';
    if (!id) throw new Refusal('bad_request', 'bad_request', 'command needs "id"');
    const comment = text(body.comment, 'comment');
    this.deps.logger.info({ verb, id, operator }, 'MQTT command');
    switch (verb) {
      case 'ack':
        return this.deps.alarms.ack(id, operator, comment);
      case 'shelve': {
        const minutes = body.minutes === undefined ? 60 : body.minutes;
        if (typeof minutes !== 'number')
          throw new Refusal('bad_request', 'bad_request', '"minutes" must be a number (1 to 10080)');
        const reason = text(body.reason, 'reason') ?? comment ?? '';
        if (!reason) throw new Refusal('bad_request', 'bad_request', 'shelve needs a "reason" (or "comment")');
        return this.deps.alarms.shelve(id, operator, minutes, reason);
      }
      case 'unshelve':
        return this.deps.alarms.unshelve(id, operator);
    }
  }
}

function parse(payload: Buffer): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    body = undefined;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new Refusal('bad_request', 'bad_request', 'command payload must be a JSON object');
  return body as Record<string, unknown>;
}

/** A free-text field: absent, or a string of at most COMMAND_TEXT_MAX characters. */
function text(v: unknown, field: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new Refusal('bad_request', 'bad_request', `"${field}" must be a string`);
  // Counted as the HTTP API counts them (UTF-16 units, zod's max), so both limits agree.
  if (v.length > COMMAND_TEXT_MAX)
    throw new Refusal('too_long', 'too_long', `"${field}" is longer than ${COMMAND_TEXT_MAX} characters`);
  return v;
}
