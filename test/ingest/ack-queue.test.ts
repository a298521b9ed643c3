import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AckQueue, encodePubacks } from '../../src/ingest/ack-queue.js';

/** A queue whose PUBACKs are recorded, with promises the test settles by hand. */
function rig() {
  const acked: number[] = [];
  const writes: number[][] = [];
  const failures: unknown[] = [];
  const q = new AckQueue(
    (ids, n) => {
      const batch = Array.from(ids.subarray(0, n));
      writes.push(batch);
      acked.push(...batch);
    },
    (err) => failures.push(err),
  );
  return { q, acked, writes, failures };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('AckQueue', () => {
  it('acknowledges a message with nothing to wait for at once', () => {
    const { q, acked } = rig();
    q.track(7, undefined);
    expect(acked).toEqual([7]);
    expect(q.size).toBe(0);
  });

  it('sends PUBACKs in arrival order when messages become durable out of order', async () => {
    const { q, acked } = rig();
    const a = deferred();
    const b = deferred();
    q.track(1, a.promise);
    q.track(2, b.promise);
    q.track(3, undefined);
    b.resolve();
    await tick();
    expect(acked).toEqual([]);
    expect(q.size).toBe(3);
    a.resolve();
    await tick();
    expect(acked).toEqual([1, 2, 3]);
    expect(q.size).toBe(0);
  });

  it('acknowledges a whole group commit in one write', async () => {
    const { q, acked, writes } = rig();
    const batch = deferred();
    for (let id = 1; id <= 1000; id++) q.track(id, batch.promise);
    batch.resolve();
    await tick();
    expect(acked).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(writes).toHaveLength(1);
  });

  it('never acknowledges a message that failed to become durable, nor any after it', async () => {
    const { q, acked, failures } = rig();
    const ok = deferred();
    const bad = deferred();
    const later = deferred();
    q.track(1, ok.promise);
    q.track(2, bad.promise);
    q.track(3, later.promise);
    q.track(4, undefined);
    ok.resolve();
    bad.reject(new Error('disk full'));
    later.resolve();
    await tick();
    expect(acked).toEqual([1]);
    expect(failures).toHaveLength(1);
    expect((failures[0] as Error).message).toBe('disk full');
    expect(q.size).toBe(3);
  });

  it('forgets everything on reset: nothing of the old connection is acknowledged on the new one', async () => {
    const { q, acked, failures } = rig();
    const old = deferred();
    const oldBad = deferred();
    q.track(1, old.promise);
    q.track(2, oldBad.promise);
    q.reset();
    expect(q.size).toBe(0);
    const fresh = deferred();
    q.track(1, fresh.promise); // the broker redelivers with the same or new ids
    old.resolve();
    oldBad.reject(new Error('late failure of the old connection'));
    await tick();
    expect(acked).toEqual([]);
    expect(failures).toEqual([]);
    fresh.resolve();
    await tick();
    expect(acked).toEqual([1]);
  });

  it('never lets a late settlement of the old connection mark a new message that reuses its slot', async () => {
    const { q, acked } = rig();
    const old = deferred();
    q.track(1, old.promise);
    q.reset();
    // Enough new messages for the ring (1024 slots at first) to come round to the old one's slot.
    const first = deferred();
    const last = deferred();
    for (let id = 1; id <= 1023; id++) q.track(id, first.promise);
    q.track(1024, last.promise);
    old.resolve();
    first.resolve();
    await tick();
    expect(acked).toHaveLength(1023);
    expect(acked).not.toContain(1024);
    last.resolve();
    await tick();
    expect(acked.at(-1)).toBe(1024);
  });

  it('does not extend a settled range with a later message on the same promise', async () => {
    const { q, acked } = rig();
    const p = deferred();
    q.track(1, p.promise);
    p.resolve();
    await tick();
    q.track(2, p.promise); // already resolved: acknowledged on its own reaction
    await tick();
    expect(acked).toEqual([1, 2]);
  });

  it('keeps order across the ring growing and message ids wrapping past 65535', async () => {
    const { q, acked } = rig();
    const gates = [deferred(), deferred(), deferred()];
    const ids: number[] = [];
    for (let i = 0; i < 70_000; i++) {
      const id = (i % 65535) + 1;
      ids.push(id);
      q.track(id, (gates[i % 3] as ReturnType<typeof deferred>).promise);
    }
    expect(q.size).toBe(70_000);
    gates[2]?.resolve();
    gates[1]?.resolve();
    await tick();
    expect(acked).toEqual([]);
    gates[0]?.resolve();
    await tick();
    expect(acked).toEqual(ids);
    expect(q.size).toBe(0);
  });

  it('acknowledges exactly the durable prefix, in order, for any arrival and settlement order', async () => {
    type Step = { kind: 'arrive'; wait: boolean } | { kind: 'settle'; pick: number; ok: boolean } | { kind: 'drain' };
    const step = fc.oneof(
      fc.record({ kind: fc.constant('arrive' as const), wait: fc.boolean() }),
      fc.record({ kind: fc.constant('settle' as const), pick: fc.nat(), ok: fc.boolean() }),
      fc.constant({ kind: 'drain' as const }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps: Step[]) => {
        const { q, acked, failures } = rig();
        // Per message: undefined = nothing to wait for; else its deferred and its fate.
        const msgs: { id: number; gate?: ReturnType<typeof deferred>; fate?: 'ok' | 'failed' }[] = [];
        for (const s of steps) {
          if (s.kind === 'arrive') {
            const id = msgs.length + 1;
            const gate = s.wait ? deferred() : undefined;
            msgs.push(gate ? { id, gate } : { id, fate: 'ok' });
            q.track(id, gate?.promise);
          } else if (s.kind === 'settle') {
            const open = msgs.filter((m) => m.gate && !m.fate);
            const m = open[s.pick % Math.max(1, open.length)];
            if (!m) continue;
            m.fate = s.ok ? 'ok' : 'failed';
            if (s.ok) m.gate?.resolve();
            else m.gate?.reject(new Error('not durable'));
          } else await tick();
        }
        await tick();
        // Expected: arrival order, up to (not including) the first message not durable.
        const expected: number[] = [];
        for (const m of msgs) {
          if (m.fate !== 'ok') break;
          expected.push(m.id);
        }
        expect(acked).toEqual(expected);
        expect(failures.length > 0).toBe(msgs.some((m) => m.fate === 'failed'));
        for (const m of msgs) if (m.gate && !m.fate) m.gate.resolve();
      }),
      { numRuns: 300 },
    );
  });
});

describe('encodePubacks', () => {
  it('writes 4 bytes per PUBACK: type, remaining length 2, id MSB, id LSB', () => {
    const buf = encodePubacks(new Uint16Array([1, 0x1234, 65535]), 3);
    expect([...buf]).toEqual([0x40, 2, 0, 1, 0x40, 2, 0x12, 0x34, 0x40, 2, 0xff, 0xff]);
  });

  it('writes only the first n ids', () => {
    expect(encodePubacks(new Uint16Array([5, 6, 7]), 1)).toHaveLength(4);
  });
});
