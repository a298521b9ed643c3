/**
 * Delivery queues: retry with backoff against a real receiver that answers 500 then 200, the
 * metrics, the bound (oldest non-critical dropped, counted, logged), giving up, channel health,
 * and that enqueueing never waits for a slow channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/http/metrics.js';
import type { Channel } from '../../src/notify/channel.js';
import { createChannel } from '../../src/notify/channel.js';
import { backoff, DeliveryQueue, FAILING_AFTER } from '../../src/notify/delivery.js';
import { alarmNotification, type Notification } from '../../src/notify/message.js';
import { ManualClock, systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { waitFor } from '../helpers/wait.js';
import { event } from './fixtures.js';
import { type Receiver, startReceiver } from './receiver.js';

let rx: Receiver;
beforeAll(async () => {
  rx = await startReceiver();
});
afterAll(() => rx.close());

const opts = { siteName: 'zjk-depot', timezone: 'UTC', consoleUrl: undefined };
const note = (priority: Notification['priority'], n: number): Notification => {
  const base = alarmNotification(event('raised', { priority }), opts);
  const title = `${priority} ${n}`;
  return { ...base, key: `k${n}`, title, payload: { ...base.payload, title } };
};

async function metric(m: ReturnType<typeof createMetrics>, channel: string, result: string): Promise<number> {
  const v = (await m.notifications.get()).values.find(
    (x) => x.labels.channel === channel && x.labels.result === result,
  );
  return v?.value ?? 0;
}

/** A channel whose sends the test settles by hand. */
function manualChannel(): Channel & { pending: { n: Notification; ok: () => void; fail: (e: Error) => void }[] } {
  const pending: { n: Notification; ok: () => void; fail: (e: Error) => void }[] = [];
  return {
    name: 'manual',
    type: 'webhook',
    pending,
    reaches: () => true,
    send: (n) => new Promise<void>((ok, fail) => pending.push({ n, ok, fail })),
  };
}

describe('backoff', () => {
  it('doubles from the initial delay, caps at maxDelay, and jitters within 50–100 %', () => {
    const p = { initialDelay: 1000, maxDelay: 60_000, giveUpAfter: 3_600_000 };
    expect([1, 2, 3, 4].map((a) => backoff(a, p, () => 0.999999))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoff(3, p, () => 0)).toBe(2000);
    expect(backoff(20, p, () => 0.999999)).toBe(60_000);
    expect(backoff(200, p, () => 0.5)).toBe(45_000);
  });
});

describe('delivery queue', () => {
  it('retries a receiver answering 500 until it answers 200, in order, and counts each attempt', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const ch = createChannel(
      { name: 'scada', type: 'webhook', url: `${rx.url}/retry`, timeout: 2000 },
      {
        clock: systemClock,
      },
    );
    const delivered: string[] = [];
    const q = new DeliveryQueue(ch, { initialDelay: 20, maxDelay: 100, giveUpAfter: 60_000 }, 10, {
      clock: systemClock,
      logger: silentLogger(),
      counter: metrics.notifications,
      onDelivered: (n) => delivered.push(n.alarm),
    });
    rx.requests.length = 0;
    rx.script({ status: 500 }, { status: 500 });
    q.enqueue(note('critical', 1), { alarm: 'k1', to: 'scada', detail: 'raised via scada' });
    q.enqueue(note('high', 2), { alarm: 'k2', to: 'scada', detail: 'raised via scada' });
    await waitFor(() => delivered.length === 2, { message: 'both delivered' });
    const keys = rx.requests.map((r) => (r.body as { title: string }).title);
    expect(keys).toEqual(['critical 1', 'critical 1', 'critical 1', 'high 2']);
    expect(delivered).toEqual(['k1', 'k2']);
    expect(await metric(metrics, 'scada', 'failed')).toBe(2);
    expect(await metric(metrics, 'scada', 'sent')).toBe(2);
    expect(q.size).toBe(0);
  });

  it('waits the backoff on the clock between attempts, and gives up after giveUpAfter', async () => {
    const clock = new ManualClock();
    const metrics = createMetrics({ defaultMetrics: false });
    const ch = manualChannel();
    const q = new DeliveryQueue(ch, { initialDelay: 1000, maxDelay: 8000, giveUpAfter: 10_000 }, 10, {
      clock,
      logger: silentLogger(),
      counter: metrics.notifications,
      random: () => 0.999999,
    });
    q.enqueue(note('critical', 1));
    expect(ch.pending.length).toBe(1);
    ch.pending[0]?.fail(new Error('down'));
    await waitFor(async () => (await metric(metrics, 'manual', 'failed')) === 1);
    clock.advance(999);
    expect(ch.pending.length).toBe(1);
    clock.advance(1);
    expect(ch.pending.length).toBe(2);
    ch.pending[1]?.fail(new Error('down'));
    await waitFor(async () => (await metric(metrics, 'manual', 'failed')) === 2);
    clock.advance(1999);
    expect(ch.pending.length).toBe(2);
    clock.advance(1);
    expect(ch.pending.length).toBe(3);
    clock.advance(10_000);
    ch.pending[2]?.fail(new Error('down'));
    await waitFor(async () => (await metric(metrics, 'manual', 'expired')) === 1);
    expect(q.size).toBe(0);
  });

  it('drops the oldest non-critical message when full, counted and logged; never the critical ones', async () => {
    const lines: string[] = [];
    const { pino } = await import('pino');
    const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(s) });
    const metrics = createMetrics({ defaultMetrics: false });
    const ch = manualChannel();
    const q = new DeliveryQueue(ch, { initialDelay: 10, maxDelay: 10, giveUpAfter: 60_000 }, 3, {
      clock: new ManualClock(),
      logger,
      counter: metrics.notifications,
    });
    q.enqueue(note('high', 1)); // in flight: never dropped
    q.enqueue(note('low', 2));
    q.enqueue(note('critical', 3));
    q.enqueue(note('medium', 4)); // full: drops low 2
    q.enqueue(note('critical', 5)); // full: drops medium 4
    q.enqueue(note('low', 6)); // full of critical: the newcomer is the least important
    expect(q.size).toBe(3);
    expect(q.droppedCount).toBe(3);
    expect(await metric(metrics, 'manual', 'dropped')).toBe(3);
    const dropped = lines.map((l) => JSON.parse(l)).filter((l) => /queue of manual full/.test(l.msg));
    expect(dropped.map((l) => l.key)).toEqual(['k2', 'k4', 'k6']);
    for (let i = 0; i < 3; i++) {
      await waitFor(() => ch.pending.length === i + 1);
      ch.pending[i]?.ok();
    }
    expect(ch.pending.map((p) => p.n.title)).toEqual(['high 1', 'critical 3', 'critical 5']);
  });

  it('reports a channel failing after consecutive failures, and recovering', async () => {
    const health: string[] = [];
    const ch = manualChannel();
    const q = new DeliveryQueue(ch, { initialDelay: 1, maxDelay: 1, giveUpAfter: 60_000 }, 10, {
      clock: systemClock,
      logger: silentLogger(),
      onHealth: (failing, reason) => health.push(`${failing} ${reason}`),
    });
    q.enqueue(note('critical', 1));
    for (let i = 0; i < FAILING_AFTER; i++) {
      await waitFor(() => ch.pending.length === i + 1);
      ch.pending[i]?.fail(new Error(`HTTP 502 #${i + 1}`));
    }
    await waitFor(() => health.length === 1);
    expect(health).toEqual([`true HTTP 502 #${FAILING_AFTER}`]);
    await waitFor(() => ch.pending.length === FAILING_AFTER + 1);
    ch.pending[FAILING_AFTER]?.ok();
    await waitFor(() => health.length === 2);
    expect(health[1]).toBe('false delivering again');
    q.stop();
  });

  it('enqueues without waiting for a channel that hangs', () => {
    const ch = manualChannel();
    const q = new DeliveryQueue(ch, { initialDelay: 10, maxDelay: 10, giveUpAfter: 60_000 }, 1000, {
      clock: new ManualClock(),
      logger: silentLogger(),
    });
    // Synchronous by type and by behaviour: a thousand messages queue behind one send that never ends.
    const results = Array.from({ length: 1000 }, (_, i) => q.enqueue(note('high', i)));
    expect(results.every((r) => r === undefined)).toBe(true);
    expect(q.size).toBe(1000);
    expect(ch.pending.length).toBe(1);
  });
});
