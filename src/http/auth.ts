/**
 * Who is asking: scrypt password hashes, console sessions, CSRF tokens, bearer tokens and the
 * login rate limit. Pure of HTTP: the routes in auth-routes.ts and the guard in server.ts use it.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../util/clock.js';

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
/** Config is trusted, but a typo must not make every login allocate gigabytes. */
const MAX_N = 2 ** 20;

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

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

/** Parses `scrypt$N$r$p$salt$hash`; undefined when malformed (the config check reports that). */
export function parsePasswordHash(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((s) => (/^\d+$/.test(s) ? Number(s) : Number.NaN)) as [
    number,
    number,
    number,
  ];
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const key = Buffer.from(parts[5] ?? '', 'base64');
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > MAX_N || !(r >= 1 && r <= 32) || !(p >= 1 && p <= 16)) return undefined;
  if (salt.length < 8 || key.length < 16) return undefined;
  return { N, r, p, salt, key };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parsePasswordHash(stored);
  if (!h) return false;
  const key = await scryptAsync(password, h.salt, h.N, h.r, h.p);
  return key.length === h.key.length && timingSafeEqual(key, h.key);
}

/** Constant-time comparison of two secrets of any length (hashing first evens the lengths). */
export function secretEquals(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

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

  get size(): number {
    return this.sessions.size;
  }

  private sweep(now: number): void {
    for (const [id, s] of this.sessions)
      if (now - s.lastSeen > this.idleMs || now - s.createdAt > this.maxAgeMs) this.sessions.delete(id);
  }
}

// ---------------------------------------------------------------------------------------------
// Login rate limit: failed attempts per client address in a sliding window.

export interface LoginLimitOptions {
  /** Failed attempts allowed per window. Default 5. */
  maxFailures?: number;
  /** Default 10 minutes. */
  windowMs?: number;
}

export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly max: number;
  private readonly windowMs: number;

  constructor(
    private readonly clock: Clock,
    opts: LoginLimitOptions = {},
  ) {
    this.max = opts.maxFailures ?? 5;
    this.windowMs = opts.windowMs ?? 10 * 60_000;
  }

  /** 0 when the address may try now, else milliseconds until it may. */
  retryAfter(ip: string): number {
    const recent = this.recent(ip);
    if (recent.length < this.max) return 0;
    return (recent[recent.length - this.max] as number) + this.windowMs - this.clock.now();
  }

  fail(ip: string): void {
    const recent = this.recent(ip);
    recent.push(this.clock.now());
    this.failures.set(ip, recent.slice(-this.max));
    // Bounded memory under a spray from many addresses: forget the oldest entries.
    if (this.failures.size > 100_000) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }

  succeed(ip: string): void {
    this.failures.delete(ip);
  }

  private recent(ip: string): number[] {
    const cutoff = this.clock.now() - this.windowMs;
    const list = (this.failures.get(ip) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.failures.delete(ip);
    return list;
  }
}
