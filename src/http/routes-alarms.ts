/** The alarm endpoints of SPEC §8: the summary, the journal, and the operator commands. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ALARM_EVENT_TYPES, type AlarmRecord, PRIORITIES } from '../domain/types.js';
import type { Logger } from '../util/logger.js';
import type { Identity } from './auth.js';
import { type GuardContext, need } from './guard.js';
import type { AlarmsApi, CommandResult } from './ports.js';
import {
  AckBody,
  AlarmPath,
  AlarmsQuery,
  HistoryQuery,
  HttpError,
  parseOr400,
  ShelveBody,
  UnshelveBody,
} from './validate.js';

const RANK = new Map<string, number>(PRIORITIES.map((p, i) => [p, i]));

/** Alarm-summary order (ISA-101 practice): most urgent priority first, then newest first. */
export function summaryOrder(a: AlarmRecord, b: AlarmRecord): number {
  const byPriority = (RANK.get(a.priority) ?? 9) - (RANK.get(b.priority) ?? 9);
  if (byPriority !== 0) return byPriority;
  const ta = a.raisedAt ?? a.clearedAt ?? '';
  const tb = b.raisedAt ?? b.clearedAt ?? '';
  return ta < tb ? 1 : ta > tb ? -1 : a.id < b.id ? -1 : 1;
}

const STATUS_OF: Record<Exclude<CommandResult, { ok: true }>['code'], number> = {
  not_found: 404,
  invalid_state: 409,
  bad_request: 400,
  // A node of a hot-standby pair that is not active (docs/ha.md): the active node takes commands.
  standby: 503,
};

export function registerAlarmRoutes(app: FastifyInstance, ctx: GuardContext & { alarms: AlarmsApi; logger: Logger }) {
  const read = { onRequest: need(ctx, 'viewer', { write: false }) };
  const write = { onRequest: need(ctx, 'operator', { write: true }) };
  const audit = ctx.logger.child({ module: 'http', audit: true });

  app.get('/api/alarms', read, async (req) => {
    const q = parseOr400(AlarmsQuery, req.query, 'query');
    const list = ctx.alarms.list(q.state ? { states: q.state } : undefined);
    return [...list].sort(summaryOrder);
  });

  /** The journal's event types, from the one list in domain/types.ts (the console's filter). */
  app.get('/api/alarms/event-types', read, async () => ALARM_EVENT_TYPES);

  app.get('/api/alarms/history', read, async (req) => {
    const q = parseOr400(HistoryQuery, req.query, 'query');
    return ctx.alarms.history(q);
  });

  /** Runs an operator command and answers with the new record, or the port's refusal. */
  const command = (
    action: string,
    run: (id: string, who: Identity, body: unknown) => { result: CommandResult; detail: Record<string, unknown> },
  ) =>
    async function handler(req: FastifyRequest, reply: FastifyReply) {
      const p = parseOr400(AlarmPath, req.params, 'path');
      const id = `${p.site}/${p.sensor}/${p.condition}`;
      const who = req.identity as Identity;
      const { result, detail } = run(id, who, req.body ?? {});
      audit.info(
        { action, id, operator: who.name, via: who.via, ...detail, result: result.ok ? 'ok' : result.code },
        action,
      );
      if (!result.ok) throw new HttpError(STATUS_OF[result.code], result.code, result.message);
      return reply.send(result.alarm);
    };

  app.post(
    '/api/alarms/:site/:sensor/:condition/ack',
    write,
    command('ack', (id, who, raw) => {
      const body = parseOr400(AckBody, raw, 'body');
      const comment = body.comment ? body.comment : null;
      return { result: ctx.alarms.ack(id, who.name, comment), detail: { comment } };
    }),
  );

  app.post(
    '/api/alarms/:site/:sensor/:condition/shelve',
    write,
    command('shelve', (id, who, raw) => {
      const body = parseOr400(ShelveBody, raw, 'body');
      return { result: ctx.alarms.shelve(id, who.name, body.minutes, body.reason), detail: body };
    }),
  );

  app.post(
    '/api/alarms/:site/:sensor/:condition/unshelve',
    write,
    command('unshelve', (id, who, raw) => {
      parseOr400(UnshelveBody, raw, 'body');
      return { result: ctx.alarms.unshelve(id, who.name), detail: {} };
    }),
  );
}
