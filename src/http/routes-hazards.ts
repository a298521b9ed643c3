/**
 * The hidden-hazard endpoints of SPEC §11: the register (`GET /api/hazards?state=&site=`, overdue
 * first), registering a hazard by hand (`POST /api/hazards`), and rectify / verify / reopen
 * (`POST /api/hazards/{site}/{id}/…` with `{note}`). Reading needs `viewer`, everything else
 * `operator` (with the CSRF token from a console session), exactly as the alarm commands; every
 * write is audited with who did it. The two-person rule is the register's: a verification by the
 * person who rectified answers 403 `two_person_rule` with the reason.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HAZARD_SEVERITIES, HAZARD_STATES, type HazardCommandResult } from '../domain/hazards.js';
import type { Logger } from '../util/logger.js';
import type { Identity } from './auth.js';
import { type GuardContext, need } from './guard.js';
import type { HazardsApi } from './ports.js';
import { AlarmPath, HttpError, parseOr400 } from './validate.js';

const Id = AlarmPath.shape.site;

const STATUS_OF: Record<Exclude<HazardCommandResult, { ok: true }>['code'], number> = {
  not_found: 404,
  invalid_state: 409,
  condition_present: 409,
  two_person_rule: 403,
  bad_request: 400,
  // A node of a hot-standby pair that is not active (docs/ha.md).
  standby: 503,
};

const List = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter((s) => s.length > 0));

export const HazardsQuery = z.object({
  state: List.pipe(
    z.array(z.enum(HAZARD_STATES, { error: `state must be one of ${HAZARD_STATES.join(', ')}` })),
  ).optional(),
  site: Id.optional(),
});

const Text = (what: string, max: number) =>
  z
    .string(`expected ${what} as a string`)
    .max(max, `${what} is longer than ${max} characters`)
    .transform((s) => s.trim());

const notAnObject = (text: string) => ({
  error: (iss: { code: string }) => (iss.code === 'invalid_type' ? text : undefined),
});

export const NewHazardBody = z.strictObject(
  {
    site: Id,
    sensor: Id.nullable().optional(),
    kind: z.literal('manual', 'kind of a hazard registered by hand is "manual"').optional(),
    severity: z.enum(HAZARD_SEVERITIES, { error: `severity must be one of ${HAZARD_SEVERITIES.join(', ')}` }),
    description: Text('description', 1000).refine((s) => s.length > 0, 'a description of the hazard is required'),
  },
  notAnObject('expected a JSON object {"site", "sensor", "severity", "description"}'),
);

/** `{note}`; required for rectify (what was done) and reopen (why), optional for verify. */
const NoteBody = (required: boolean) =>
  z.strictObject(
    {
      note: required
        ? Text('note', 1000).refine((s) => s.length > 0, 'a note is required: say what was done, or why')
        : Text('note', 1000).nullable().optional(),
    },
    notAnObject('expected a JSON object {"note": "…"}'),
  );

const HazardPath = z.object({
  site: Id,
  id: z.string().regex(/^H-[1-9]\d{0,9}$/, 'expected a hazard number such as H-17'),
});

export function registerHazardRoutes(
  app: FastifyInstance,
  ctx: GuardContext & { hazards: HazardsApi; logger: Logger },
): void {
  const read = { preHandler: need(ctx, 'viewer', { write: false }) };
  const write = { preHandler: need(ctx, 'operator', { write: true }) };
  const audit = ctx.logger.child({ module: 'http', audit: true });

  app.get('/api/hazards', read, async (req) => {
    const q = parseOr400(HazardsQuery, req.query, 'query');
    return ctx.hazards.list({ ...(q.state ? { states: q.state } : {}), ...(q.site ? { site: q.site } : {}) });
  });

  app.post('/api/hazards', write, async (req, reply) => {
    const body = parseOr400(NewHazardBody, req.body ?? {}, 'body');
    const who = req.identity as Identity;
    const h = { site: body.site, sensor: body.sensor ?? null, severity: body.severity, description: body.description };
    const result = await ctx.hazards.register(h, who.name);
    audit.info(
      {
        action: 'hazard_register',
        ...h,
        operator: who.name,
        via: who.via,
        result: result.ok ? result.hazard.id : result.code,
      },
      'hazard_register',
    );
    if (!result.ok) throw new HttpError(STATUS_OF[result.code], result.code, result.message);
    return reply.code(201).send(result.hazard);
  });

  const command = (action: 'rectify' | 'verify' | 'reopen') =>
    async function handler(req: FastifyRequest, reply: FastifyReply) {
      const p = parseOr400(HazardPath, req.params, 'path');
      const body = parseOr400(NoteBody(action !== 'verify'), req.body ?? {}, 'body');
      const id = `${p.site}/${p.id}`;
      const who = req.identity as Identity;
      const note = body.note ? body.note : null;
      const result = await ctx.hazards[action](id, who.name, note);
      audit.info(
        {
          action: `hazard_${action}`,
          id,
          operator: who.name,
          via: who.via,
          note,
          result: result.ok ? 'ok' : result.code,
        },
        `hazard_${action}`,
      );
      if (!result.ok) throw new HttpError(STATUS_OF[result.code], result.code, result.message);
      return reply.send(result.hazard);
    };

  app.post('/api/hazards/:site/:id/rectify', write, command('rectify'));
  app.post('/api/hazards/:site/:id/verify', write, command('verify'));
  app.post('/api/hazards/:site/:id/reopen', write, command('reopen'));
}
