/**
 * Who may do what, per request. Reading needs `viewer` (or `http.anonymousViewer`); writes need
 * `operator`. A console session proves itself by its HttpOnly cookie and, on writes, by the
 * per-session CSRF token in the `X-CSRF-Token` header (the cookie alone is ambient authority a
 * hostile page could borrow; the token it cannot read). Bearer tokens are not ambient, so API
 * clients using them need no CSRF token.
 *
 * `need` runs as an onRequest hook: credentials are judged from the headers alone, before any
 * body is read, so a client without them cannot hold a connection open by sending a slow body
 * (issue 11, finding 1). A connection that proved a logged-in user is marked trusted, which the
 * connection budget (connections.ts) never sheds.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasRole, type Identity, type OperatorDirectory, type Role, type SessionStore, secretEquals } from './auth.js';
import type { ConnectionGuard } from './connections.js';
import { HttpError } from './validate.js';

export const SESSION_COOKIE = 'gaswatch_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    identity?: Identity;
  }
}

export interface GuardContext {
  directory: () => OperatorDirectory;
  sessions: SessionStore;
  anonymousViewer: boolean;
  connections?: ConnectionGuard;
}

export type Authenticated =
  | { ok: true; identity: Identity; sessionId?: string; csrf?: string }
  | { ok: false; reason: string };

/** `touch: false` checks without counting as activity (the event stream's heartbeat is not an operator). */
export function authenticate(ctx: GuardContext, req: FastifyRequest, touch = true): Authenticated {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    const identity = m ? ctx.directory().byToken(m[1] as string) : undefined;
    // A wrong token is an error, never a silent fall-back to the cookie or anonymous access.
    return identity ? { ok: true, identity } : { ok: false, reason: 'the bearer token is not valid' };
  }
  const sid = req.cookies[SESSION_COOKIE];
  if (sid) {
    const s = ctx.sessions.get(sid, touch);
    const role = s ? ctx.directory().role(s.name) : undefined;
    if (s && role) return { ok: true, identity: { name: s.name, role, via: 'session' }, sessionId: s.id, csrf: s.csrf };
    if (s) ctx.sessions.delete(s.id);
  }
  if (ctx.anonymousViewer) return { ok: true, identity: { name: 'anonymous', role: 'viewer', via: 'anonymous' } };
  return { ok: false, reason: sid ? 'the session has expired; log in again' : 'log in or send a bearer token' };
}

/** Marks the request's connection trusted when a logged-in user (not anonymous) made it. */
export function trustConnection(ctx: GuardContext, req: FastifyRequest, a: Authenticated): void {
  if (a.ok && a.identity.via !== 'anonymous') ctx.connections?.trust(req.raw.socket);
}

/** An onRequest hook: 401 without credentials, 403 without the role or (session writes) the CSRF token. */
export function need(ctx: GuardContext, role: Role, opts: { write: boolean }) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const a = authenticate(ctx, req);
    trustConnection(ctx, req, a);
    if (!a.ok) throw new HttpError(401, 'unauthorized', a.reason, { 'www-authenticate': 'Bearer realm="gaswatch"' });
    if (a.identity.via === 'anonymous' && opts.write)
      throw new HttpError(401, 'unauthorized', 'log in as an operator to do this');
    if (!hasRole(a.identity, role))
      throw new HttpError(403, 'forbidden', `needs role ${role}; ${a.identity.name} is ${a.identity.role}`);
    if (opts.write && a.identity.via === 'session') {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !a.csrf || !secretEquals(sent, a.csrf))
        throw new HttpError(403, 'csrf', `missing or wrong ${CSRF_HEADER} header; reload the console`);
    }
    req.identity = a.identity;
  };
}
