/**
 * `GET /api/kpis?from=&to=&site=` (SPEC §11): the alarm-system KPIs of a time range — by default the
 * last 24 hours — computed from the journal and, further back, InfluxDB (kpis/service.ts). `from`
 * and `to` are epoch ms or ISO-8601; a range is at most 366 days.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../util/clock.js';
import { type GuardContext, need } from './guard.js';
import type { KpisApi } from './ports.js';
import { AlarmPath, HttpError, parseOr400 } from './validate.js';

const DAY = 24 * 3600_000;
export const MAX_KPI_RANGE = 366 * DAY;

const Time = (name: string) =>
  z
    .string()
    .transform((s, ctx) => {
      const t = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
      if (!Number.isFinite(t))
        ctx.addIssue({ code: 'custom', message: `${name} must be epoch ms or an ISO-8601 time` });
      return t;
    })
    .optional();

export const KpisQuery = z.object({ from: Time('from'), to: Time('to'), site: AlarmPath.shape.site.optional() });

export function registerKpiRoutes(app: FastifyInstance, ctx: GuardContext & { kpis: KpisApi; clock: Clock }): void {
  const read = { preHandler: need(ctx, 'viewer', { write: false }) };
  app.get('/api/kpis', read, async (req) => {
    const q = parseOr400(KpisQuery, req.query, 'query');
    const to = q.to ?? ctx.clock.now();
    const from = q.from ?? to - DAY;
    if (!(from < to)) throw new HttpError(400, 'bad_request', 'query.from must be before query.to');
    if (to - from > MAX_KPI_RANGE) throw new HttpError(400, 'bad_request', 'the range may be at most 366 days');
    try {
      return await ctx.kpis.compute(from, to, q.site ?? null);
    } catch (err) {
      throw new HttpError(503, 'unavailable', `the alarm history could not be read: ${(err as Error).message}`);
    }
  });
}
