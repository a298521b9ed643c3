/** Console login, logout and "who am I" (the console asks on load to know what to show). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../util/logger.js';
import { type Identity, secretEquals } from './auth.js';
import { authenticate, CSRF_HEADER, type GuardContext, SESSION_COOKIE, trustConnection } from './guard.js';
import { DEVICE_COOKIE, DEVICE_MAX_AGE_S, issueDevice, type LoginGuard, verifyDevice } from './login-guard.js';
import type { GaswatchMetrics } from './metrics.js';
import { HttpError, LoginBody, parseOr400 } from './validate.js';

export interface AuthRoutesContext extends GuardContext {
  limiter: LoginGuard;
  logger: Logger;
  metrics: GaswatchMetrics | undefined;
  /**
   * `Secure` on the session and device cookies: true always, false never, 'auto' when the browser
   * reached us over TLS — directly, or through a trusted proxy saying so in X-Forwarded-Proto.
   */
  secureCookies: boolean | 'auto';
}

function rateLimited(ctx: AuthRoutesContext, waitMs: number, scope: string): HttpError {
  ctx.metrics?.httpLogins.inc({ result: 'rate_limited' });
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  const whose = scope === 'account' ? 'this account' : scope === 'device' ? 'this browser' : 'this address';
  return new HttpError(429, 'rate_limited', `too many failed logins for ${whose}; try again in ${seconds} s`, {
    'retry-after': String(seconds),
  });
}

export function registerAuthRoutes(app: FastifyInstance, ctx: AuthRoutesContext): void {
  const cookieOptions = (req: FastifyRequest) => ({
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: ctx.secureCookies === 'auto' ? req.protocol === 'https' : ctx.secureCookies,
  });

  // An address that must wait is refused before its body is read; a browser with a device cookie
  // is judged after, by its device (login-guard.ts).
  const early = async (req: FastifyRequest) => {
    if (req.cookies[DEVICE_COOKIE]) return;
    const wait = ctx.limiter.addressWait(req.ip);
    if (wait > 0) throw rateLimited(ctx, wait, 'address');
  };

  app.post('/api/login', { onRequest: early }, async (req: FastifyRequest, reply: FastifyReply) => {
    const ip = req.ip;
    const body = parseOr400(LoginBody, req.body, 'body');
    const hash = ctx.directory().passwordHash(body.name);
    const device = verifyDevice(req.cookies[DEVICE_COOKIE], body.name, hash);
    // Counted before the password is checked: concurrent guesses cannot all slip under the limit.
    const admitted = ctx.limiter.admit(ip, body.name, device);
    if (!admitted.ok) {
      ctx.logger.warn({ ip, operator: body.name, scope: admitted.scope }, 'console login refused: too many failures');
      throw rateLimited(ctx, admitted.retryAfterMs, admitted.scope);
    }
    let identity: Identity | undefined;
    try {
      identity = await ctx.directory().login(body.name, body.password);
    } finally {
      ctx.limiter.settle(admitted, identity !== undefined);
    }
    if (!identity) {
      ctx.metrics?.httpLogins.inc({ result: 'failed' });
      ctx.logger.warn({ ip, operator: body.name }, 'console login failed');
      throw new HttpError(401, 'unauthorized', 'wrong name or password');
    }
    ctx.metrics?.httpLogins.inc({ result: 'ok' });
    const old = req.cookies[SESSION_COOKIE];
    if (old) ctx.sessions.delete(old);
    const s = ctx.sessions.create(identity.name);
    ctx.connections?.trust(req.raw.socket);
    ctx.logger.info({ ip, operator: identity.name, role: identity.role }, 'console login');
    reply.setCookie(SESSION_COOKIE, s.id, cookieOptions(req));
    if (hash && !device)
      reply.setCookie(DEVICE_COOKIE, issueDevice(identity.name, hash), {
        ...cookieOptions(req),
        path: '/api/login',
        maxAge: DEVICE_MAX_AGE_S,
      });
    return { name: identity.name, role: identity.role, via: 'session', csrfToken: s.csrf };
  });

  // Answered from the headers alone, before any body is read (nothing in a body is needed).
  const logout = async (req: FastifyRequest, reply: FastifyReply) => {
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
  };
  app.post('/api/logout', { onRequest: logout }, async (_req, reply) => reply);

  /** "Who am I?" is answered even for nobody (name null, with the reason), so the console can ask it quietly. */
  app.get('/api/session', async (req: FastifyRequest) => {
    const a = authenticate(ctx, req);
    trustConnection(ctx, req, a);
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
