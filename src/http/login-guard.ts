/**
 * Login throttling (issue 11, finding 4), after OWASP's Authentication Cheat Sheet ("Protect
 * against automated attacks") and its "Slow Down Online Guessing Attacks with Device Cookies":
 *
 * - Failed logins are counted per client address (`perAddress`, default 5) and per account from
 *   anywhere (`perAccount`, default 10) within `window`. An attempt counts the moment it is
 *   admitted, before its password is checked, so 40 concurrent guesses get 5 checks, not 40.
 * - Past its limit a key waits 1 s after its last failure, doubling with every further failure up
 *   to `maxBackoff` (default 1 min): a guesser gets about one try a minute per address and per
 *   account, and a real operator is never shut out for long.
 * - A browser that has logged in to an account carries a device cookie for it (an HMAC keyed by
 *   the account's password hash, so a new password ends every device's standing). Its attempts on
 *   that account are counted per device only, so an attack on the account, or from the same address
 *   behind a proxy, does not lock that operator out of the control room. A device that fails
 *   `perAddress` times is judged like a stranger again.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../util/clock.js';

export interface LoginLimitOptions {
  /** Failures per client address before it must wait. Default 5. */
  perAddress?: number;
  /** Failures per account (from any address, trusted devices aside) before it must wait. Default 10. */
  perAccount?: number;
  /** Failures older than this (ms) are forgotten. Default 15 min. */
  window?: number;
  /** Longest wait (ms) between attempts past the limit. Default 1 min. */
  maxBackoff?: number;
}

export const DEVICE_COOKIE = 'gaswatch_device';
/** A device stays known for half a year of not logging in. */
export const DEVICE_MAX_AGE_S = 180 * 24 * 3600;

interface Counter {
  failures: number[];
  pending: number;
}

export type Refusal = { ok: false; retryAfterMs: number; scope: 'address' | 'account' | 'device' };
export type Admission = { ok: true; keys: string[] } | Refusal;

/** Sweep forgotten keys once the table is this large; never hold more than MAX_KEYS. */
const SWEEP_AT = 10_000;
const MAX_KEYS = 100_000;
const FIRST_WAIT_MS = 1000;

export class LoginGuard {
  private readonly counters = new Map<string, Counter>();
  private readonly perAddress: number;
  private readonly perAccount: number;
  private readonly windowMs: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly clock: Clock,
    opts: LoginLimitOptions = {},
  ) {
    this.perAddress = opts.perAddress ?? 5;
    this.perAccount = opts.perAccount ?? 10;
    this.windowMs = opts.window ?? 15 * 60_000;
    this.maxBackoffMs = opts.maxBackoff ?? 60_000;
  }

  /** Before the body is read: 0 when the address may try, else ms to wait. */
  addressWait(address: string): number {
    return this.wait(`a:${address}`, this.perAddress);
  }

  /**
   * Reserves an attempt on every key it counts against (the device alone when the browser is a
   * known device of the account), or says how long to wait. Settle every admitted attempt.
   */
  admit(address: string, account: string, device: string | undefined): Admission {
    const checks: [string, number, 'address' | 'account' | 'device'][] = device
      ? [[`d:${device}`, this.perAddress, 'device']]
      : [
          [`a:${address}`, this.perAddress, 'address'],
          [`u:${account}`, this.perAccount, 'account'],
        ];
    let worst: Refusal | undefined;
    for (const [key, max, scope] of checks) {
      const ms = this.wait(key, max);
      if (ms > 0 && (!worst || ms > worst.retryAfterMs)) worst = { ok: false, retryAfterMs: ms, scope };
    }
    if (worst) return worst;
    for (const [key] of checks) this.counter(key).pending++;
    return { ok: true, keys: checks.map(([k]) => k) };
  }

  settle(admission: { keys: string[] }, success: boolean): void {
    const now = this.clock.now();
    for (const key of admission.keys) {
      const c = this.counter(key);
      c.pending = Math.max(0, c.pending - 1);
      // The account keeps its failures: one success does not mean the attack on it has stopped.
      if (success && !key.startsWith('u:')) c.failures = [];
      else if (!success) {
        c.failures.push(now);
        if (c.failures.length > 64) c.failures.splice(0, c.failures.length - 64);
      }
    }
  }

  private wait(key: string, max: number): number {
    const c = this.counters.get(key);
    if (!c) return 0;
    const now = this.clock.now();
    c.failures = c.failures.filter((t) => t > now - this.windowMs);
    const failed = c.failures.length;
    if (failed + c.pending < max) return 0;
    // The remaining tries are being checked right now: wait for their outcome.
    if (failed < max) return FIRST_WAIT_MS;
    const backoff = Math.min(FIRST_WAIT_MS * 2 ** Math.min(failed - max, 30), this.maxBackoffMs);
    const until = (c.failures[failed - 1] as number) + backoff;
    if (now < until) return until - now;
    // Past the wait, one try at a time.
    return c.pending > 0 ? FIRST_WAIT_MS : 0;
  }

  private counter(key: string): Counter {
    let c = this.counters.get(key);
    if (!c) {
      if (this.counters.size >= SWEEP_AT) this.sweep();
      c = { failures: [], pending: 0 };
      this.counters.set(key, c);
    }
    return c;
  }

  /** Forgets keys with nothing in flight and no failure in the window; then the oldest beyond MAX_KEYS. */
  private sweep(): void {
    const cutoff = this.clock.now() - this.windowMs;
    for (const [k, c] of this.counters)
      if (c.pending === 0 && (c.failures.at(-1) ?? 0) <= cutoff) this.counters.delete(k);
    for (const k of this.counters.keys()) {
      if (this.counters.size < MAX_KEYS) break;
      this.counters.delete(k);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Device cookies: `nonce.mac`, mac = HMAC-SHA256(key: the account's password hash, account + nonce).

function mac(account: string, passwordHash: string, nonce: string): Buffer {
  return createHmac('sha256', passwordHash).update(`gaswatch-device\0${account}\0${nonce}`).digest();
}

export function issueDevice(account: string, passwordHash: string): string {
  const nonce = randomBytes(16).toString('base64url');
  return `${nonce}.${mac(account, passwordHash, nonce).toString('base64url')}`;
}

/** The device id when `cookie` was issued for this account under its current password hash. */
export function verifyDevice(
  cookie: string | undefined,
  account: string,
  passwordHash: string | undefined,
): string | undefined {
  if (!cookie || !passwordHash) return undefined;
  const m = /^([\w-]{16,64})\.([\w-]{43})$/.exec(cookie);
  if (!m) return undefined;
  const nonce = m[1] as string;
  const sent = Buffer.from(m[2] as string, 'base64url');
  const want = mac(account, passwordHash, nonce);
  return sent.length === want.length && timingSafeEqual(sent, want) ? nonce : undefined;
}
