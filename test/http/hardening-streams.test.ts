/**
 * Live-stream slots against the real server over real sockets (issue 11, finding 7): 500
 * anonymous streams no longer fill the slots a logged-in console needs; one address or one
 * identity cannot take more than its share; viewers never take the slots kept for operators.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpServerDeps } from '../../src/http/server.js';
import { loopbackAddresses } from '../helpers/slow-loris.js';
import { waitFor } from '../helpers/wait.js';
import { bearer, type Harness, login, makeHarness, PASSWORDS, TOKENS } from './harness.js';

let h: Harness | undefined;
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await h?.server.stop();
  h = undefined;
});

/** Opens GET /api/events on a raw socket and resolves with the status; the socket stays open. */
function openStream(port: number, opts: { from?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; socket: net.Socket; text: () => string }>((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, localAddress: opts.from });
    sockets.push(s);
    let text = '';
    let settled = false;
    const extra = Object.entries(opts.headers ?? {})
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    s.on('connect', () => s.write(`GET /api/events?readings=false HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`));
    s.on('data', (b: Buffer) => {
      text += b.toString('utf8');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (m && !settled) {
        settled = true;
        resolve({ status: Number(m[1]), socket: s, text: () => text });
      }
    });
    s.on('error', (err) => (settled ? undefined : reject(err)));
  });
}

async function serve(extra: Partial<HttpServerDeps> = {}) {
  h = await makeHarness({ anonymousViewer: true, extra });
  const { url } = await h.server.start();
  return { h, port: Number(new URL(url).port) };
}

const tally = (xs: { status: number }[]) =>
  xs.reduce<Record<number, number>>((m, x) => {
    m[x.status] = (m[x.status] ?? 0) + 1;
    return m;
  }, {});

describe('500 anonymous live streams', () => {
  it('take only the anonymous share; a logged-in console still gets its stream and its alarms', async () => {
    const { h, port } = await serve();
    const from = loopbackAddresses(125);
    const anon = await Promise.all(Array.from({ length: 500 }, (_, i) => openStream(port, { from: from[i % 125] })));
    expect(tally(anon)).toEqual({ 200: 100, 503: 400 });

    const wang = await login(h.server, 'wang', PASSWORDS.wang);
    const operator = await openStream(port, { headers: { cookie: wang.cookie } });
    expect(operator.status).toBe(200);
    const wallboard = await openStream(port, { headers: bearer(TOKENS.dash) });
    expect(wallboard.status).toBe(200);
    h.plant.publish('zjk-depot', 'GD-12', 48);
    await waitFor(() => operator.text().includes('zjk-depot/GD-12/hihi'), { message: 'alarm on the console stream' });

    const shed = await h.metrics.registry.getSingleMetricAsString('gaswatch_http_shed_total');
    expect(shed).toMatch(/reason="stream_full"} 400/);
    console.log(
      `streams: 500 anonymous → ${JSON.stringify(tally(anon))}; then operator console ${operator.status}, ` +
        `viewer token ${wallboard.status}; alarm delivered to the console stream`,
    );
  });

  it('one address gets at most 4 anonymous streams (429 beyond), others are unaffected', async () => {
    const { port } = await serve();
    const mine = [];
    for (let i = 0; i < 6; i++) mine.push(await openStream(port, { from: '127.0.3.1' }));
    expect(mine.map((x) => x.status)).toEqual([200, 200, 200, 200, 429, 429]);
    expect((await openStream(port, { from: '127.0.3.2' })).status).toBe(200);
    // Closing one gives its slot back.
    mine[0]?.socket.destroy();
    await waitFor(async () => (await openStream(port, { from: '127.0.3.1' })).status === 200, {
      message: 'slot released',
    });
  });
});

describe('slots kept for operators', () => {
  it('viewers fill at most max − reservedForOperators; operators use the rest; one identity its share', async () => {
    const { port } = await serve({
      streams: { max: 20, reservedForOperators: 5, anonymous: 10, anonymousPerAddress: 20, perIdentity: 8 },
    });
    const anon = await Promise.all(Array.from({ length: 12 }, () => openStream(port)));
    expect(tally(anon)).toEqual({ 200: 10, 503: 2 });
    const viewers = [];
    for (let i = 0; i < 6; i++) viewers.push(await openStream(port, { headers: bearer(TOKENS.dash) }));
    // 10 anonymous + 5 wallboard = 15 = max − reserved: the sixth viewer stream is refused…
    expect(viewers.map((x) => x.status)).toEqual([200, 200, 200, 200, 200, 503]);
    // …while operators still find their five.
    const ops = [];
    for (let i = 0; i < 5; i++) ops.push(await openStream(port, { headers: bearer(TOKENS.bot) }));
    expect(ops.map((x) => x.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await openStream(port, { headers: bearer(TOKENS.bot) })).status).toBe(503);
  });

  it('one operator name gets at most perIdentity streams (429)', async () => {
    const { port } = await serve({ streams: { perIdentity: 3 } });
    const ops = [];
    for (let i = 0; i < 4; i++) ops.push(await openStream(port, { headers: bearer(TOKENS.bot) }));
    expect(ops.map((x) => x.status)).toEqual([200, 200, 200, 429]);
    expect((await openStream(port, { headers: bearer(TOKENS.dash) })).status).toBe(200);
  });
});
