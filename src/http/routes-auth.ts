/** Console login, logout and "who am I" (the console asks on load to know what to show). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../util/logger.js';
import { type LoginRateLimiter, secretEquals } from './auth.js';
import { authenticate, CSRF_HEADER, type GuardContext, SESSION_COOKIE } from './guard.js';
import type { GaswatchMetrics } from './metrics.js';
import { HttpError, LoginBody, parseOr400 } from './validate.js';

export interface AuthRoutesContext extends GuardContext {
  limiter: LoginRateLimiter;
  logger: Logger;
  metrics: GaswatchMetrics | undefined;
}

function cookieOptions(req: FastifyRequest) {
  // Secure only when the browser reached us over TLS (a proxy in front); plain HTTP on loopback otherwise.
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: req.protocol === 'https' };
}

export function registerAuthRoutes(app: FastifyInstance, ctx: AuthRoutesContext): void {
  app.post('/api/login', async (req: FastifyRequest, reply: FastifyReply) => {
    const ip = req.ip;
    const wait = ctx.limiter.retryAfter(ip);
    if (wait > 0) {
      ctx.metrics?.httpLogins.inc({ result: 'rate_limited' });
      const seconds = Math.ceil(wait / 1000);
      throw new HttpError(429, 'rate_limited', `too many failed logins; try again in ${seconds} s`, {
        'retry-after': String(seconds),
      });
    }
    const body = parseOr400(LoginBody, req.body, 'body');
    const identity = await ctx.directory().login(body.name, body.password);
    if (!identity) {
      ctx.limiter.fail(ip);
      ctx.metrics?.httpLogins.inc({ result: 'failed' });
      ctx.logger.warn({ ip, operator: body.name }, 'console login failed');
      throw new HttpError(401, 'unauthorized', 'wrong name or password');
    }
    ctx.limiter.succeed(ip);
    ctx.metrics?.httpLogins.inc({ result: 'ok' });
    const old = req.cookies[SESSION_COOKIE];
    if (old) ctx.sessions.delete(old);
    const s = ctx.sessions.create(identity.name);
    ctx.logger.info({ ip, operator: identity.name, role: identity.role }, 'console login');
    reply.setCookie(SESSION_COOKIE, s.id, cookieOptions(req));
    return { name: identity.name, role: identity.role, via: 'session', csrfToken: s.csrf };
  });

  app.post('/api/logout', async (req: FastifyRequest, reply: FastifyReply) => {
    const a = authenticate(ctx, req);
    if (a.ok && a.sessionId) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !a.csrf || !secretEquals(sent, a.csrf))
        throw new HttpError(403, 'csrf', `missing or wrong ${CSRF_HEADER} header; reload the console`);
      ctx.sessions.delete(a.sessionId);
      ctx.logger.info({ operator: a.identity.name }, 'console logout');
    }
    reply.clearCookie(SESSION_COOKIE, cookieOptions(req));
    return reply.code(204).send();
  });

  /** "Who am I?" is answered even for nobody (name null, with the reason), so the console can ask it quietly. */
  app.get('/api/session', async (req: FastifyRequest) => {
    const a = authenticate(ctx, req);
    if (!a.ok)
      return {
        name: null,
        role: null,
        via: null,
        csrfToken: null,
        anonymousViewer: ctx.anonymousViewer,
        reason: a.reason,
      };
    const { name, role, via } = a.identity;
    return { name, role, via, csrfToken: a.csrf ?? null, anonymousViewer: ctx.anonymousViewer };
  });
}
