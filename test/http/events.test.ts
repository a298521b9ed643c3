/**
 * GET /api/events over a real socket: alarm events at once, readings coalesced per sensor and
 * per site subscription on the server clock, heartbeats, and the end of an expired session.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HazardBatch, HazardRecord } from '../../src/domain/hazards.js';
import { MAX_HAZARDS_PER_MESSAGE } from '../../src/http/sse.js';
import { H, hazardRig, MIN } from '../hazards/rig.js';
import { waitFor } from '../helpers/wait.js';
import { bearer, type Harness, login, makeHarness, PASSWORDS, TOKENS } from './harness.js';

interface SseMessage {
  event: string;
  data: unknown;
}

/** A minimal SSE client that records parsed messages. */
class SseClient {
  readonly messages: SseMessage[] = [];
  status = 0;
  ended = false;
  private buf = '';
  private req: http.ClientRequest | undefined;

  constructor(url: string, headers: Record<string, string>) {
    this.req = http.get(url, { headers }, (res) => {
      this.status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => this.feed(chunk));
      res.on('end', () => {
        this.ended = true;
      });
    });
    this.req.on('error', () => {
      this.ended = true;
    });
  }

  private feed(chunk: string): void {
    this.buf += chunk;
    for (let i = this.buf.indexOf('\n\n'); i >= 0; i = this.buf.indexOf('\n\n')) {
      const block = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length) this.messages.push({ event, data: JSON.parse(data.join('\n')) });
    }
  }

  of(event: string): unknown[] {
    return this.messages.filter((m) => m.event === event).map((m) => m.data);
  }

  close(): void {
    this.req?.destroy();
  }
}

let h: Harness;
let base: string;
const clients: SseClient[] = [];

beforeAll(async () => {
  h = await makeHarness({ extra: { events: { readingsIntervalMs: 1000, heartbeatMs: 10_000 } } });
  ({ url: base } = await h.server.start());
});
afterAll(async () => {
  for (const c of clients) c.close();
  await h.server.stop();
});

async function open(query = '', headers: Record<string, string> = bearer(TOKENS.dash)): Promise<SseClient> {
  const c = new SseClient(`${base}/api/events${query}`, headers);
  clients.push(c);
  await waitFor(() => c.of('hello').length === 1, { message: `hello on ${query}` });
  return c;
}

describe('GET /api/events', () => {
  it('sends alarm events as they happen', async () => {
    const c = await open();
    expect(c.status).toBe(200);
    h.plant.publish('zjk-depot', 'GD-12', 45);
    await waitFor(() => c.of('alarm').length >= 2, { message: 'hi and hihi raised' });
    const types = (c.of('alarm') as { type: string; alarm: { id: string } }[]).map((e) => `${e.type} ${e.alarm.id}`);
    expect(types).toEqual(['raised zjk-depot/GD-12/hihi', 'raised zjk-depot/GD-12/hi']);
  });

  it('coalesces readings to the latest per sensor, once per interval, filtered by site', async () => {
    h.clock.advance(1000); // flush what earlier tests published
    const all = await open();
    const depot = await open('?site=zjk-depot');
    const none = await open('?readings=false');
    for (const v of [1, 2, 3]) h.plant.publish('zjk-depot', 'GD-13', v);
    h.plant.publish('bj-station-3', 'GD-01', 9);
    await new Promise((r) => setImmediate(r));
    expect(all.of('readings')).toEqual([]); // nothing before the interval ends
    h.clock.advance(1000);
    await waitFor(() => all.of('readings').length === 1 && depot.of('readings').length === 1, { message: 'one flush' });
    const everything = all.of('readings')[0] as { site: string; sensor: string; value: number }[];
    expect(everything.map((r) => `${r.site}/${r.sensor}=${r.value}`).sort()).toEqual([
      'bj-station-3/GD-01=9',
      'zjk-depot/GD-13=3',
    ]);
    const mine = depot.of('readings')[0] as { site: string; value: number; unit: string; status: string }[];
    expect(mine).toEqual([
      expect.objectContaining({ site: 'zjk-depot', sensor: 'GD-13', value: 3, unit: '%LEL', status: 'ok' }),
    ]);
    h.clock.advance(1000); // nothing new: no empty flushes
    h.plant.publish('bj-station-3', 'GD-01', 10);
    h.clock.advance(1000);
    await waitFor(() => all.of('readings').length === 2, { message: 'second flush' });
    expect(depot.of('readings')).toHaveLength(1);
    expect(none.of('readings')).toEqual([]);
  });

  it('sends the hazard register’s changed records, and a resync for a huge batch', async () => {
    const c = await open('?readings=false');
    const rig = hazardRig({ rules: { stale: { for: '1h', severity: 'major' } } });
    rig.advance(MIN + H + 1000);
    const batch = rig.batches.find((b) => b.events.length > 0) as HazardBatch;
    h.plant.live.emitHazards(batch);
    await waitFor(() => c.of('hazards').length === 1, { message: 'hazards event' });
    expect(c.of('hazards')[0]).toEqual({ changed: batch.changed });
    expect(batch.changed.map((r) => r.id)).toEqual(['zjk-depot/H-1', 'zjk-depot/H-2']);
    // A transaction that changed more records than one message should carry: the console re-reads.
    const many = Array.from({ length: MAX_HAZARDS_PER_MESSAGE + 1 }, (_, i) => ({
      ...(batch.changed[0] as HazardRecord),
      id: `zjk-depot/H-${i + 1}`,
    }));
    h.plant.live.emitHazards({ events: [], changed: many });
    h.plant.live.emitHazards({ events: [], changed: [] }); // a save-only batch sends nothing
    await waitFor(() => c.of('hazards').length === 2, { message: 'resync event' });
    expect(c.of('hazards')[1]).toEqual({ resync: true });
  });

  it('sends heartbeats on the server clock', async () => {
    const c = await open();
    const before = h.clock.now();
    h.clock.advance(10_000);
    await waitFor(() => c.of('heartbeat').length === 1, { message: 'heartbeat' });
    const at = Date.parse((c.of('heartbeat')[0] as { now: string }).now);
    expect(at).toBeGreaterThan(before);
    expect(at).toBeLessThanOrEqual(h.clock.now());
  });

  it('ends the stream of a session that expires, saying so', async () => {
    const wang = await login(h.server, 'wang', PASSWORDS.wang);
    const c = await open('?readings=false', { cookie: wang.cookie });
    h.clock.advance(12 * 3600_000 + 10_000);
    await waitFor(() => c.ended, { message: 'stream ended' });
    expect(c.of('session-expired')).toHaveLength(1);
  });

  it('refuses a bad query with 400 and counts clients in the metrics', async () => {
    const bad = new SseClient(`${base}/api/events?readings=maybe`, bearer(TOKENS.dash));
    clients.push(bad);
    await waitFor(() => bad.status !== 0);
    expect(bad.status).toBe(400);
    const live = clients.filter((c) => !c.ended && c.status === 200).length;
    await waitFor(
      async () => (await h.metrics.registry.getSingleMetricAsString('gaswatch_sse_clients')).endsWith(` ${live}`),
      {
        message: `gaswatch_sse_clients ${live}`,
      },
    );
  });

  it('ends every stream when the server stops', async () => {
    const c = await open();
    const h2 = h;
    await h2.server.stop();
    await waitFor(() => c.ended, { message: 'stream ended on stop' });
    h = await makeHarness();
    ({ url: base } = await h.server.start());
  });
});
