/**
 * The poison guard's verdicts (src/ingest/poison.ts), on real files: a death with no trace (SIGKILL,
 * the OOM killer) is one strike, so killing a healthy daemon never quarantines the reading it was
 * handling; a second such death on the same message condemns it; a clean stop forgets everything.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IPublishPacket } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { PoisonGuard, type Quarantined } from '../../src/ingest/poison.js';
import { readSlot, SLOT_STATE } from '../../src/ingest/poison-slot.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { sleep } from '../helpers/wait.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const packet = (payload: string, messageId = 7, topic = 'gas/s1/GD-1'): IPublishPacket => ({
  cmd: 'publish',
  qos: 1,
  dup: true,
  retain: false,
  topic,
  messageId,
  payload: Buffer.from(payload),
});

/** One run of the daemon: `die` ends it without a clean stop, in the middle of handling or idle. */
async function run(
  dir: string,
  fn: (g: PoisonGuard) => void,
  opts: { die?: 'handling' | 'idle' } = {},
): Promise<Quarantined[]> {
  const quarantined: Quarantined[] = [];
  const guard = new PoisonGuard({
    dir,
    logger: silentLogger(),
    clock: systemClock,
    onQuarantine: (q) => quarantined.push(q),
  });
  guard.start();
  fn(guard);
  // A handling that lasts (as running out of heap does): the writer thread records it meanwhile.
  if (opts.die === 'handling') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  if (opts.die === 'idle') await sleep(300);
  const slot = readFileSync(path.join(dir, 'inflight'));
  await guard.stop();
  // A death leaves the slot as it was; only a clean stop marks it stopped.
  if (opts.die) await writeFile(path.join(dir, 'inflight'), slot);
  return quarantined;
}

/** Hand the guard one message the way mqtt.js does: 'packetreceive', then handling in the same tick. */
function deliver(g: PoisonGuard, p: IPublishPacket): boolean {
  g.received(p);
  return g.skipping();
}

describe('poison guard', () => {
  it('records the message being handled, from shared memory, by the writer thread', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gaswatch-poison-'));
    dirs.push(dir);
    await run(dir, (g) => deliver(g, packet('{"value":1}')), { die: 'handling' });
    const slot = readSlot(await readFile(path.join(dir, 'inflight')));
    expect(slot?.state).toBe(SLOT_STATE.handling);
    expect(slot?.message).toMatchObject({ topic: 'gas/s1/GD-1', messageId: 7, bytes: 11 });
  });

  it('a death with no trace is one strike; the same message in flight at a second one is quarantined', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gaswatch-poison-'));
    dirs.push(dir);
    const p = packet('{"value":42}');
    await run(dir, (g) => expect(deliver(g, p)).toBe(false), { die: 'handling' });
    // killed once while handling it: handled again, not quarantined
    const second = await run(dir, (g) => expect(deliver(g, p)).toBe(false), { die: 'handling' });
    expect(second).toEqual([]);
    // killed again while handling the same message: condemned, quarantined on the next delivery
    const third = await run(dir, (g) => {
      expect(deliver(g, packet('{"value":43}', 8))).toBe(false); // another message goes through
      expect(deliver(g, p)).toBe(true);
    });
    expect(third).toHaveLength(1);
    expect(third[0]).toMatchObject({ topic: 'gas/s1/GD-1', bytes: 12 });
    const kept = JSON.parse((await readFile(third[0]?.file as string, 'utf8')).trim()) as { payloadBase64: string };
    expect(Buffer.from(kept.payloadBase64, 'base64').toString()).toBe('{"value":42}');
  });

  it('forgets a suspect after a clean stop only once it is delivered again, and never blames an idle death', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gaswatch-poison-'));
    dirs.push(dir);
    const p = packet('12.5');
    // handled, then the burst ends (idle written lazily), then killed: nobody is blamed
    await run(dir, (g) => deliver(g, p), { die: 'idle' });
    expect(await run(dir, (g) => expect(deliver(g, p)).toBe(false))).toEqual([]);
    await run(dir, (g) => deliver(g, p), { die: 'handling' });
    await run(dir, () => undefined); // strike one on p, then a clean run that never sees p
    const later = await run(dir, (g) => expect(deliver(g, p)).toBe(false), { die: 'handling' });
    expect(later).toEqual([]);
    // the strike survived the clean run: this second death condemns p
    const last = await run(dir, (g) => expect(deliver(g, p)).toBe(true));
    expect(last).toHaveLength(1);
  });
});
