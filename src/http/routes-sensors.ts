/** Sensors, sites, trends and the live event stream. */
import type { FastifyInstance } from 'fastify';
import type { SensorStatus } from '../domain/types.js';
import type { Identity } from './auth.js';
import { authenticate, type GuardContext, need } from './guard.js';
import type { SensorsApi } from './ports.js';
import type { EventStream } from './sse.js';
import type { SlotRefusal, StreamSlots } from './stream-slots.js';
import { EventsQuery, HttpError, parseOr400, SensorPath, SensorsQuery } from './validate.js';

const STATUSES: SensorStatus[] = ['ok', 'stale', 'fault', 'maintenance', 'unconfigured'];

export function registerSensorRoutes(
  app: FastifyInstance,
  ctx: GuardContext & {
    sensors: SensorsApi;
    events: EventStream;
    slots: StreamSlots;
    onRefused?: (reason: SlotRefusal['reason']) => void;
  },
): void {
  const read = { onRequest: need(ctx, 'viewer', { write: false }) };

  app.get('/api/sensors', read, async (req) => {
    const q = parseOr400(SensorsQuery, req.query, 'query');
    let list = ctx.sensors.list();
    if (q.site !== undefined) list = list.filter((s) => s.site === q.site);
    if (q.status !== undefined) list = list.filter((s) => s.status === q.status);
    return list;
  });

  /** One line per site with its sensors counted by status: what the console lists before a site is opened. */
  app.get('/api/sites', read, async () => {
    const sites = new Map<
      string,
      { site: string; name?: string | null; timezone?: string; sensors: number; status: Record<SensorStatus, number> }
    >();
    for (const s of ctx.sensors.list()) {
      let e = sites.get(s.site);
      if (!e) {
        e = {
          site: s.site,
          ...ctx.sensors.site?.(s.site),
          sensors: 0,
          status: Object.fromEntries(STATUSES.map((k) => [k, 0])) as Record<SensorStatus, number>,
        };
        sites.set(s.site, e);
      }
      e.sensors++;
      e.status[s.status]++;
    }
    return [...sites.values()].sort((a, b) => (a.site < b.site ? -1 : 1));
  });

  app.get('/api/sensors/:site/:sensor/trend', read, async (req) => {
    const p = parseOr400(SensorPath, req.params, 'path');
    const points = ctx.sensors.trend(p.site, p.sensor);
    if (!points) throw new HttpError(404, 'not_found', `no sensor ${p.site}/${p.sensor}`);
    const unit = ctx.sensors.list().find((s) => s.site === p.site && s.sensor === p.sensor)?.unit ?? null;
    return {
      site: p.site,
      sensor: p.sensor,
      unit,
      ts: points.map((x) => x.ts),
      values: points.map((x) => x.value),
      setpoints: ctx.sensors.setpoints?.(p.site, p.sensor) ?? [],
    };
  });

  app.get('/api/events', read, async (req, reply) => {
    const q = parseOr400(EventsQuery, req.query, 'query');
    const who = req.identity as Identity;
    const slot = ctx.slots.take(who, req.ip);
    if (!slot.ok) {
      ctx.onRefused?.(slot.reason);
      throw new HttpError(slot.status, slot.status === 429 ? 'too_many_streams' : 'unavailable', slot.message, {
        'retry-after': '10',
      });
    }
    reply.raw.once('close', slot.release);
    // A client gone before the listener was attached would otherwise hold its slot for good.
    if (reply.raw.closed || req.raw.socket.destroyed) slot.release();
    if (who.via === 'anonymous') ctx.connections?.stream(req.raw.socket);
    const sites = q.readings === 'false' ? new Set<string>() : q.site ? new Set(q.site) : undefined;
    // The stream outlives this handler: fastify must not send a reply of its own.
    reply.hijack();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (typeof v === 'string') headers[k] = v;
    const stillAllowed = () => authenticate(ctx, req, false).ok;
    ctx.events.open(reply.raw, headers, sites, stillAllowed);
  });
}
