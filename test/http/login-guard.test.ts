/** The login throttle and device cookies, on a manual clock (the attacks over HTTP: hardening-login.test.ts). */
import { describe, expect, it } from 'vitest';
import { issueDevice, LoginGuard, verifyDevice } from '../../src/http/login-guard.js';
import { ManualClock } from '../../src/util/clock.js';

function setup(opts = {}) {
  const clock = new ManualClock();
  return { clock, g: new LoginGuard(clock, opts) };
}

/** Admits and fails one attempt; returns the refusal if it was not admitted. */
function fail(g: LoginGuard, ip: string, user: string, device?: string) {
  const a = g.admit(ip, user, device);
  if (a.ok) g.settle(a, false);
  return a;
}

describe('LoginGuard', () => {
  it('counts an attempt when admitted, before its outcome: concurrent attempts beyond the limit wait', () => {
    const { g } = setup();
    const admitted = Array.from({ length: 40 }, () => g.admit('10.0.0.1', 'wang', undefined));
    expect(admitted.filter((a) => a.ok)).toHaveLength(5);
    const refused = admitted.find((a) => !a.ok);
    expect(refused).toMatchObject({ ok: false, scope: 'address', retryAfterMs: 1000 });
  });

  it('makes an address wait 1 s after its limit, doubling per failure up to maxBackoff', () => {
    const { g, clock } = setup({ perAddress: 3, maxBackoff: 8000 });
    for (let i = 0; i < 3; i++) expect(fail(g, 'a', 'wang').ok).toBe(true);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = g.admit('a', 'wang', undefined);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      waits.push(r.retryAfterMs);
      clock.advance(r.retryAfterMs);
      expect(fail(g, 'a', 'wang').ok).toBe(true);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(g.addressWait('a')).toBe(8000);
    expect(g.addressWait('b')).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const { g, clock } = setup({ perAddress: 2, window: 60_000 });
    fail(g, 'a', 'x');
    fail(g, 'a', 'x');
    expect(g.addressWait('a')).toBe(1000);
    clock.advance(60_001);
    expect(g.addressWait('a')).toBe(0);
  });

  it('limits an account across addresses, and a success clears the address but not the account', () => {
    const { g, clock } = setup({ perAccount: 10 });
    for (let i = 0; i < 10; i++) expect(fail(g, `10.0.0.${i}`, 'wang').ok).toBe(true);
    expect(g.admit('10.9.9.9', 'wang', undefined)).toMatchObject({ ok: false, scope: 'account' });
    expect(g.admit('10.9.9.9', 'li', undefined).ok).toBe(true); // other accounts unaffected
    clock.advance(1000);
    const ok = g.admit('10.9.9.9', 'wang', undefined);
    expect(ok.ok).toBe(true);
    if (ok.ok) g.settle(ok, true);
    expect(g.addressWait('10.9.9.9')).toBe(0);
    // The account still counts its ten failures: the eleventh makes it wait 2 s, not start afresh.
    expect(fail(g, '10.7.7.7', 'wang').ok).toBe(true);
    expect(g.admit('10.9.9.9', 'wang', undefined)).toMatchObject({ ok: false, scope: 'account', retryAfterMs: 2000 });
  });

  it('judges a known device by its own failures only, so an attack does not lock its operator out', () => {
    const { g } = setup();
    for (let i = 0; i < 40; i++) fail(g, `10.0.1.${i}`, 'wang');
    for (let i = 0; i < 5; i++) fail(g, '10.0.0.1', 'wang');
    expect(g.admit('10.0.0.1', 'wang', undefined).ok).toBe(false);
    const mine = g.admit('10.0.0.1', 'wang', 'device-1');
    expect(mine.ok).toBe(true);
    if (mine.ok) g.settle(mine, true);
    // A device that keeps failing is throttled like anyone else.
    for (let i = 0; i < 5; i++) expect(fail(g, '10.0.0.1', 'wang', 'device-2').ok).toBe(true);
    expect(g.admit('10.0.0.1', 'wang', 'device-2')).toMatchObject({ ok: false, scope: 'device' });
  });

  it('past the wait lets one try through at a time', () => {
    const { g, clock } = setup({ perAddress: 1 });
    fail(g, 'a', 'x');
    clock.advance(1000);
    expect(g.admit('a', 'x', undefined).ok).toBe(true);
    expect(g.admit('a', 'x', undefined)).toMatchObject({ ok: false, retryAfterMs: 1000 });
  });
});

describe('device cookies', () => {
  it('verify only for the account and password hash they were issued under', () => {
    const cookie = issueDevice('wang', 'scrypt$hash-1');
    const id = verifyDevice(cookie, 'wang', 'scrypt$hash-1');
    expect(id).toMatch(/^[\w-]{22}$/);
    expect(verifyDevice(cookie, 'li', 'scrypt$hash-1')).toBeUndefined();
    expect(verifyDevice(cookie, 'wang', 'scrypt$hash-2')).toBeUndefined(); // password changed
    expect(verifyDevice(cookie, 'wang', undefined)).toBeUndefined();
    const [nonce, mac] = cookie.split('.') as [string, string];
    // Another first character changes the first six bits of the MAC (the last one's low bits are padding).
    const forged = `${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
    expect(verifyDevice(`${nonce}.${forged}`, 'wang', 'scrypt$hash-1')).toBeUndefined();
    expect(verifyDevice('garbage', 'wang', 'scrypt$hash-1')).toBeUndefined();
  });
});
