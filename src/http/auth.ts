/**
 * Who is asking: scrypt password hashes, console sessions, CSRF tokens and bearer tokens (the
 * login throttle is login-guard.ts). Pure of HTTP: routes-auth.ts and the guard in guard.ts use it.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { parsePasswordHash } from '../domain/credentials.js';
import type { Clock } from '../util/clock.js';
import { secretEquals } from '../util/secret-equals.js';

export { parsePasswordHash };

export type Role = 'viewer' | 'operator' | 'admin';

/** As in config `operators` (src/config/schema.ts `Operator`). */
export interface OperatorConfig {
  name: string;
  role: Role;
  passwordHash?: string | undefined;
  token?: string | undefined;
}

export interface Identity {
  name: string;
  role: Role;
  /** How the request proved it: a console session (needs CSRF on writes), a bearer token, or nobody (demo). */
  via: 'session' | 'token' | 'anonymous';
}

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export function hasRole(who: { role: Role }, needed: Role): boolean {
  return RANK[who.role] >= RANK[needed];
}

// ---------------------------------------------------------------------------------------------
// Password hashes: scrypt$N$r$p$salt$hash, salt and hash base64.

/** N = 2^15, r = 8: about 32 MiB and tens of ms per try (OWASP's scrypt floor is N = 2^17 at p = 1 for
 * server-side logins; a control room logs in a few times a shift, so 2^15 keeps verify fast on small
 * boxes while staying far above brute-force rates). */
export const DEFAULT_SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LEN = 32;

function scryptAsync(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LEN, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashPassword(password: string, params: { N: number; r: number; p: number } = DEFAULT_SCRYPT) {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, params.N, params.r, params.p);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parsePasswordHash(stored);
  if (!h) return false;
  const key = await scryptAsync(password, h.salt, h.N, h.r, h.p);
  return key.length === h.key.length && timingSafeEqual(key, h.key);
}

export { secretEquals };

// ---------------------------------------------------------------------------------------------
// Operators: password logins and bearer tokens.

export class OperatorDirectory {
  private readonly byName = new Map<string, OperatorConfig>();
  /** Verified when the name is unknown, so a wrong name costs as long as a wrong password. */
  private decoy: Promise<string> | undefined;

  constructor(private readonly operators: readonly OperatorConfig[]) {
    for (const op of operators) this.byName.set(op.name, op);
  }

  async login(name: string, password: string): Promise<Identity | undefined> {
    const op = this.byName.get(name);
    if (!op?.passwordHash) {
      this.decoy ??= hashPassword('decoy');
      await verifyPassword(password, await this.decoy);
      return undefined;
    }
    return (await verifyPassword(password, op.passwordHash))
      ? { name: op.name, role: op.role, via: 'session' }
      : undefined;
  }

  byToken(token: string): Identity | undefined {
    let found: OperatorConfig | undefined;
    // Every token is compared, so the time taken does not tell which operator nearly matched.
    for (const op of this.operators) if (op.token && secretEquals(op.token, token)) found = op;
    return found ? { name: found.name, role: found.role, via: 'token' } : undefined;
  }

  /** The operator's current role (config may have changed since the session began); undefined if removed. */
  role(name: string): Role | undefined {
    return this.byName.get(name)?.role;
  }

  /** Keys the operator's device cookies (login-guard.ts): a new password ends every device's standing. */
  passwordHash(name: string): string | undefined {
    return this.byName.get(name)?.passwordHash;
  }

  /**
   * Operators of `this` whose password or token differs in `next`, or who are gone from it: their
   * sessions end on a config reload (a changed password usually means the old one leaked).
   */
  credentialsChangedIn(next: readonly OperatorConfig[]): string[] {
    const after = new Map(next.map((op) => [op.name, op]));
    const changed: string[] = [];
    for (const [name, op] of this.byName) {
      const n = after.get(name);
      if (!n || n.passwordHash !== op.passwordHash || n.token !== op.token) changed.push(name);
    }
    return changed;
  }
}

// ---------------------------------------------------------------------------------------------
// Sessions: in memory, so a restart logs everyone out (the console shows its login dialog again).

export interface Session {
  id: string;
  name: string;
  csrf: string;
  createdAt: number;
  lastSeen: number;
}

export interface SessionOptions {
  /** Idle time after which a session ends. Default 12 h: a shift may watch without clicking. */
  idleMs?: number;
  /** Hard end of a session however busy. Default 24 h. */
  maxAgeMs?: number;
  /** Oldest sessions are dropped beyond this. */
  maxSessions?: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  readonly idleMs: number;
  readonly maxAgeMs: number;
  private readonly maxSessions: number;

  constructor(
    private readonly clock: Clock,
    opts: SessionOptions = {},
  ) {
    this.idleMs = opts.idleMs ?? 12 * 3600_000;
    this.maxAgeMs = opts.maxAgeMs ?? 24 * 3600_000;
    this.maxSessions = opts.maxSessions ?? 10_000;
  }

  create(name: string): Session {
    const now = this.clock.now();
    this.sweep(now);
    if (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const s: Session = {
      id: randomBytes(32).toString('base64url'),
      name,
      csrf: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeen: now,
    };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The live session for a cookie value, touched; undefined when unknown or expired. */
  get(id: string, touch = true): Session | undefined {
    const s = this.sessions.get(id);
    if (!s) return undefined;
    const now = this.clock.now();
    if (now - s.lastSeen > this.idleMs || now - s.createdAt > this.maxAgeMs) {
      this.sessions.delete(id);
      return undefined;
    }
    if (touch) s.lastSeen = now;
    return s;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  /** Ends every session of one operator; returns how many ended. */
  deleteOperator(name: string): number {
    let n = 0;
    for (const [id, s] of this.sessions)
      if (s.name === name) {
        this.sessions.delete(id);
        n++;
      }
    return n;
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(now: number): void {
    for (const [id, s] of this.sessions)
      if (now - s.lastSeen > this.idleMs || now - s.createdAt > this.maxAgeMs) this.sessions.delete(id);
  }
}
