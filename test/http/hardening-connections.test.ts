/**
 * Slow and silent clients against the real HTTP server on a real socket (issue 11, finding 1):
 * credentials are judged before a body is read, slow requests time out, and the connection budget
 * keeps serving the console while a flood of slow connections holds more than it allows. The same
 * attack against the whole daemon, under a lowered descriptor limit: test/e2e/slow-loris.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loopbackAddresses, rawExchange, startSlowLoris } from '../helpers/slow-loris.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { bearer, type Harness, makeHarness, PASSWORDS, TOKENS } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.server.stop();
  h = undefined;
});

async function serve(extra: Parameters<typeof makeHarness>[0] = {}): Promise<{ h: Harness; port: number }> {
  h = await makeHarness(extra);
  const { url } = await h.server.start();
  return { h, port: Number(new URL(url).port) };
}

const promised = (path: string, headers = '') =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10240\r\n${headers}\r\n{"comment":"`;

describe('credentials before the body', () => {
  it('refuses a write without credentials at once and closes, never waiting for the promised body', async () => {
    const { port } = await serve();
    const r = await rawExchange(port, promised('/api/alarms/zjk-depot/GD-12/hihi/ack'), { timeoutMs: 5000 });
    expect(r.status).toBe(401);
    expect(r.response).toMatch(/connection: close/i);
    expect(r.closedAfterMs).toBeLessThan(2000);
  });

  it('the same for a viewer (403), a wrong token (401) and an unknown path (404)', async () => {
    const { port } = await serve();
    const cases: [string, string, number][] = [
      ['/api/alarms/zjk-depot/GD-12/hihi/shelve', `Authorization: Bearer ${TOKENS.dash}\r\n`, 403],
      ['/api/alarms/zjk-depot/GD-12/hihi/ack', 'Authorization: Bearer wrong-token\r\n', 401],
      ['/api/no/such/thing', '', 404],
      ['/api/logout', '', 204],
    ];
    for (const [path, headers, status] of cases) {
      const r = await rawExchange(port, promised(path, headers), { timeoutMs: 5000 });
      expect(r.status, path).toBe(status);
      expect(r.closedAfterMs, path).toBeLessThan(2000);
    }
  });

  it('an operator’s request is read whole as before', async () => {
    const { h, port } = await serve();
    h.plant.publish('zjk-depot', 'GD-12', 45);
    const body = '{"comment":"checked on site"}';
    const r = await rawExchange(
      port,
      `POST /api/alarms/zjk-depot/GD-12/hihi/ack HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKENS.bot}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(r.status).toBe(200);
    expect(h.plant.alarms.records.get('zjk-depot/GD-12/hihi')).toMatchObject({
      state: 'active_acked',
      ackedBy: 'scada-bot',
    });
  });
});

describe('timeouts', () => {
  it('end slow headers, a slow login body and a silent connection', async () => {
    const { port } = await serve({ extra: { timeouts: { headers: 1000, request: 2000, idle: 10_000 } } });
    const [headers, body, silent] = await Promise.all([
      rawExchange(port, 'GET /api/alarms HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a', { timeoutMs: 8000 }),
      rawExchange(
        port,
        'POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10240\r\n\r\n{"name":"wang"',
        { timeoutMs: 8000 },
      ),
      rawExchange(port, '', { timeoutMs: 8000 }),
    ]);
    // Node answers 408 to a request it timed out; the checks run every second.
    expect(headers.status).toBe(408);
    expect(headers.closedAfterMs).toBeLessThan(4000);
    expect(body.status).toBe(408);
    expect(body.closedAfterMs).toBeLessThan(5000);
    // Sending nothing counts as a request not sent in time (node times it from the connection).
    expect(silent.closedAfterMs).toBeLessThan(6000);
  });
});

describe('the connection budget', () => {
  it('keeps serving the console while slow connections from 40 addresses try to hold 4× its size', async () => {
    const { h, port } = await serve({ extra: { connections: { max: 60, perAddress: 10 } } });
    expect(h.server.connections.max).toBe(60);
    // A logged-in operator's live stream, open before the attack: trusted, never shed.
    const stream = await fetch(`http://127.0.0.1:${port}/api/events?readings=false`, { headers: bearer(TOKENS.bot) });
    expect(stream.status).toBe(200);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    let received = '';
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        received += new TextDecoder().decode(value);
      }
    })();

    const loris = startSlowLoris({
      port,
      connections: 240,
      addresses: loopbackAddresses(40),
      kinds: ['body-login', 'headers', 'silent', 'body-ack'],
      tickMs: 2000,
      reopenAfterMs: 50,
    });
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, h.server.connections.size);
    }, 5);
    try {
      await waitFor(() => loris.stats.opened >= 240, {
        message: 'attack under way',
      });
      await sleep(500);
      const served: number[] = [];
      for (let i = 0; i < 10; i++) {
        const [page, alarms] = await Promise.all([
          fetch(`http://127.0.0.1:${port}/`),
          fetch(`http://127.0.0.1:${port}/api/alarms`, { headers: bearer(TOKENS.dash) }),
        ]);
        served.push(page.status, alarms.status);
        await page.arrayBuffer();
        await alarms.arrayBuffer();
      }
      expect(served.every((s) => s === 200)).toBe(true);
      // An alarm raised during the attack reaches the operator's stream.
      h.plant.publish('zjk-depot', 'GD-13', 55);
      await waitFor(() => received.includes('zjk-depot/GD-13/hihi'), { message: 'alarm on the trusted stream' });
      const shed = await h.metrics.registry.getSingleMetricAsString('gaswatch_http_shed_total');
      expect(shed).toMatch(/reason="capacity"} [1-9]/);
      expect(peak).toBeLessThanOrEqual(60);
      console.log(
        `http budget: 240 slow connections from 40 addresses (reopened when closed) against a budget of 60: ` +
          `${loris.stats.opened} opened, peak ${peak} held, 20/20 console requests answered; ${shed
            .split('\n')
            .filter((l) => l.startsWith('gaswatch'))
            .join(', ')}`,
      );
    } finally {
      clearInterval(sampler);
      loris.stop();
      await reader.cancel().catch(() => undefined);
      await pump.catch(() => undefined);
    }
  });

  it('sheds one address’s own oldest connections beyond its share, so others from it still get in', async () => {
    const { h, port } = await serve({ extra: { connections: { max: 500, perAddress: 8 } } });
    const loris = startSlowLoris({
      port,
      connections: 50,
      addresses: ['127.0.0.1'],
      kinds: ['headers'],
      tickMs: 2000,
    });
    try {
      await waitFor(() => loris.stats.opened === 50 && loris.open <= 8, { message: 'address capped' });
      // A real user behind the same address (one NAT, one proxy) still logs in.
      const res = await fetch(`http://127.0.0.1:${port}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'wang', password: PASSWORDS.wang }),
      });
      expect(res.status).toBe(200);
      expect(h.server.connections.size).toBeLessThanOrEqual(9);
    } finally {
      loris.stop();
    }
  });
});
