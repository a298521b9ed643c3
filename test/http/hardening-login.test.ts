/**
 * Password guessing against the real server over real sockets (issue 11, finding 4): concurrent
 * guesses are counted before their password is checked; the right password is not shut out for
 * minutes afterwards (a browser that logged in before is not shut out at all); behind a reverse
 * proxy each client counts by its own address; cookies get `Secure` behind TLS.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpServerDeps } from '../../src/http/server.js';
import { type Harness, makeHarness, PASSWORDS } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.server.stop();
  h = undefined;
});

async function serve(extra: Partial<HttpServerDeps> = {}) {
  h = await makeHarness({ extra });
  const { url } = await h.server.start();
  return { h, url };
}

function login(url: string, password: string, headers: Record<string, string> = {}) {
  return fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ name: 'wang', password }),
  });
}

/** The cookie pairs a browser would send back. */
function cookiesOf(res: Response): Record<string, string> {
  return Object.fromEntries(
    res.headers.getSetCookie().map((c) => {
      const pair = c.split(';')[0] as string;
      const i = pair.indexOf('=');
      return [pair.slice(0, i), pair.slice(i + 1)];
    }),
  );
}

async function counts(h: Harness): Promise<Record<string, number>> {
  const text = await h.metrics.registry.getSingleMetricAsString('gaswatch_http_logins_total');
  return Object.fromEntries([...text.matchAll(/result="(\w+)"} (\d+)/g)].map((m) => [m[1], Number(m[2])]));
}

describe('40 concurrent guesses from one address', () => {
  it('checks 5, and afterwards the right password gets in at once from a known browser, within 2 s from a new one', async () => {
    const { h, url } = await serve();
    // The operator's console logged in before the attack: the browser holds a device cookie.
    const before = await login(url, PASSWORDS.wang);
    expect(before.status).toBe(200);
    const device = cookiesOf(before).gaswatch_device;
    expect(device).toMatch(/^[\w-]+\.[\w-]+$/);
    const deviceCookie = before.headers.getSetCookie().find((c) => c.startsWith('gaswatch_device=')) ?? '';
    for (const attr of [/Path=\/api\/login(;|$)/, /HttpOnly/, /SameSite=Strict/, /Max-Age=\d{6,}/])
      expect(deviceCookie).toMatch(attr);

    const guesses = await Promise.all(Array.from({ length: 40 }, (_, i) => login(url, `guess-${i}`)));
    const statuses = guesses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
    expect(await counts(h)).toMatchObject({ ok: 1, failed: 5, rate_limited: 35 });

    const known = await login(url, PASSWORDS.wang, { cookie: `gaswatch_device=${device}` });
    expect(known.status).toBe(200);

    const stranger = await login(url, PASSWORDS.wang);
    expect(stranger.status).toBe(429);
    const wait = Number(stranger.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(2);
    h.clock.advance(wait * 1000);
    expect((await login(url, PASSWORDS.wang)).status).toBe(200);
    console.log(
      `login: 40 concurrent guesses → ${statuses.filter((s) => s === 401).length} checked, ` +
        `${statuses.filter((s) => s === 429).length} refused unchecked; right password: known browser 200 at once, ` +
        `new browser after ${wait} s`,
    );
  });
});

describe('behind a reverse proxy', () => {
  const proxied = (ip: string) => ({ 'x-forwarded-for': ip });

  it('with trustProxy, counts each client by its own address and the account across them', async () => {
    const { url } = await serve({ trustProxy: ['127.0.0.1'] });
    const operatorBrowser = await login(url, PASSWORDS.wang, proxied('10.1.0.7'));
    const device = cookiesOf(operatorBrowser).gaswatch_device;
    // 40 guesses from 40 addresses: the per-address limit never bites, the per-account one does.
    const guesses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login(url, `guess-${i}`, proxied(`203.0.113.${i + 1}`))),
    );
    const statuses = guesses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
    const refused = guesses.find((r) => r.status === 429) as Response;
    expect(((await refused.json()) as { message: string }).message).toMatch(/this account/);
    // The operator's own browser is not locked out by an attack on their account.
    expect(
      (await login(url, PASSWORDS.wang, { ...proxied('10.1.0.7'), cookie: `gaswatch_device=${device}` })).status,
    ).toBe(200);
    // A colleague on another address, new browser: waits seconds, not minutes.
    const colleague = await login(url, PASSWORDS.wang, proxied('10.1.0.8'));
    expect(colleague.status).toBe(429);
    expect(Number(colleague.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  });

  it('without trustProxy, X-Forwarded-For is not believed: every client is the proxy', async () => {
    const { url } = await serve();
    const guesses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(url, `guess-${i}`, proxied(`203.0.113.${i + 1}`))),
    );
    expect(guesses.filter((r) => r.status === 401)).toHaveLength(5);
  });
});

describe('the session cookie', () => {
  const secure = (res: Response) =>
    /;\s*Secure/i.test(res.headers.getSetCookie().find((c) => c.startsWith('gaswatch_session=')) ?? '');

  it('is Secure when a trusted TLS proxy says the browser came over https (auto)', async () => {
    const { url } = await serve({ trustProxy: ['loopback'] });
    expect(secure(await login(url, PASSWORDS.wang, { 'x-forwarded-proto': 'https' }))).toBe(true);
    expect(secure(await login(url, PASSWORDS.wang))).toBe(false);
  });

  it('is not made Secure by an untrusted X-Forwarded-Proto, and always is with secureCookies: true', async () => {
    const plain = await serve();
    expect(secure(await login(plain.url, PASSWORDS.wang, { 'x-forwarded-proto': 'https' }))).toBe(false);
    await plain.h.server.stop();
    const always = await serve({ secureCookies: true });
    expect(secure(await login(always.url, PASSWORDS.wang))).toBe(true);
  });
});
