import { appendFile, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Point } from '../../src/store/port.js';
import { Spool } from '../../src/store/spool.js';
import { silentLogger } from '../../src/util/logger.js';
import { alarmEvent, captureLogger, reading, tempDir } from './support.js';

const logger = silentLogger();

describe('spool', () => {
  let tmp: { dir: string; remove(): Promise<void> };
  let dir: string;
  const open: Spool[] = [];

  async function openSpool(maxBytes = 1 << 30, segmentBytes?: number, log = logger): Promise<Spool> {
    const s = new Spool({ dir, maxBytes, segmentBytes, logger: log, now: Date.now });
    await s.open();
    open.push(s);
    return s;
  }

  async function drainAll(s: Spool): Promise<Point[]> {
    const out: Point[] = [];
    for (let seg = await s.checkout(); seg; seg = await s.checkout()) {
      out.push(...(await s.read(seg)));
      await s.release(seg, true);
    }
    return out;
  }

  beforeEach(async () => {
    tmp = await tempDir('gaswatch-spool-');
    dir = path.join(tmp.dir, 'spool');
  });

  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await tmp.remove();
  });

  it('gives back exactly what was appended, oldest segment first, across segments', async () => {
    const s = await openSpool(1 << 30, 4096);
    const points: Point[] = [];
    for (let i = 0; i < 300; i++) points.push(i % 10 === 0 ? alarmEvent(i, `c "${i}"\nline\\2 ✓`) : reading(i));
    for (let i = 0; i < points.length; i += 7) await s.append(points.slice(i, i + 7));
    expect(s.segmentCount).toBeGreaterThan(3);
    const files = (await readdir(dir)).sort();
    expect(files[0]).toBe('000001.seg');
    expect(s.bytes).toBe(
      (await Promise.all(files.map((f) => stat(path.join(dir, f))))).reduce((n, x) => n + x.size, 0),
    );
    expect(await drainAll(s)).toEqual(points);
    expect(s.segmentCount).toBe(0);
    expect(s.bytes).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it('marks each record with its class', async () => {
    const s = await openSpool();
    await s.append([reading(1), alarmEvent(2)]);
    const text = await readFile(path.join(dir, '000001.seg'), 'utf8');
    expect(text.split('\n').map((l) => l.slice(0, 2))).toEqual(['T ', 'E ', '']);
  });

  it('keeps its segments over a reopen and never appends to an old one', async () => {
    const a = await openSpool();
    await a.append([reading(1), reading(2)]);
    await a.close();
    const b = await openSpool();
    expect(b.segmentCount).toBe(1);
    await b.append([reading(3)]);
    expect(b.segmentCount).toBe(2);
    expect(await drainAll(b)).toEqual([reading(1), reading(2), reading(3)]);
  });

  it('skips and counts a torn last line once', async () => {
    const a = await openSpool();
    await a.append([reading(1), reading(2)]);
    await a.close();
    // What kill -9 in the middle of an append leaves: half a record, no newline.
    await appendFile(path.join(dir, '000001.seg'), 'T ["reading",{"site":"zjk');
    const b = await openSpool();
    const seg = (await b.checkout())!;
    expect(await b.read(seg)).toEqual([reading(1), reading(2)]);
    await b.release(seg, false);
    const again = (await b.checkout())!;
    expect(await b.read(again)).toEqual([reading(1), reading(2)]);
    expect(b.torn).toBe(1);
  });

  it('resumes a replay where it stopped', async () => {
    const s = await openSpool();
    await s.append([1, 2, 3, 4, 5].map((i) => reading(i)));
    const seg = (await s.checkout())!;
    expect(await s.read(seg)).toHaveLength(5);
    s.advance(seg, 2);
    await s.release(seg, false);
    const again = (await s.checkout())!;
    expect(await s.read(again)).toEqual([3, 4, 5].map((i) => reading(i)));
  });

  it('appends to a new segment while the oldest is being replayed', async () => {
    const s = await openSpool();
    await s.append([reading(1)]);
    const seg = (await s.checkout())!;
    await s.append([reading(2)]);
    expect(await s.read(seg)).toEqual([reading(1)]);
    await s.release(seg, true);
    expect(await drainAll(s)).toEqual([reading(2)]);
  });

  it('when full drops the oldest telemetry, counts it exactly and keeps every alarm event', async () => {
    const s = await openSpool(16 * 1024, 4096);
    let seq = 0;
    const appended: Point[] = [];
    while (appended.length < 1000) {
      const batch = [reading(seq++), reading(seq++), seq % 9 === 0 ? alarmEvent(seq++) : reading(seq++)];
      appended.push(...batch);
      await s.append(batch);
      expect(s.bytes).toBeLessThanOrEqual(16 * 1024);
    }
    const left = await drainAll(s);
    const telemetry = appended.filter((p) => p.measurement === 'reading');
    const leftTelemetry = left.filter((p) => p.measurement === 'reading');
    expect(s.dropped).toBeGreaterThan(0);
    expect(s.dropped + leftTelemetry.length).toBe(telemetry.length);
    // Oldest first: what is left is the newest telemetry, in order.
    expect(leftTelemetry).toEqual(telemetry.slice(telemetry.length - leftTelemetry.length));
    expect(left.filter((p) => p.measurement === 'alarm_event')).toEqual(
      appended.filter((p) => p.measurement === 'alarm_event'),
    );
  });

  it('a batch larger than the bound keeps its newest telemetry and every event', async () => {
    const s = await openSpool(8 * 1024);
    const batch: Point[] = [];
    for (let i = 0; i < 500; i++) batch.push(i % 100 === 0 ? alarmEvent(i) : reading(i));
    await s.append(batch);
    expect(s.bytes).toBeLessThanOrEqual(8 * 1024);
    const left = await drainAll(s);
    const telemetry = batch.filter((p) => p.measurement === 'reading');
    const leftTelemetry = left.filter((p) => p.measurement === 'reading');
    expect(leftTelemetry.length).toBeGreaterThan(10);
    expect(s.dropped + leftTelemetry.length).toBe(telemetry.length);
    expect(leftTelemetry).toEqual(telemetry.slice(telemetry.length - leftTelemetry.length));
    expect(left.filter((p) => p.measurement === 'alarm_event')).toHaveLength(5);
  });

  it('exceeds the bound rather than drop alarm events, and says so', async () => {
    const { logger: log, lines } = captureLogger();
    const s = await openSpool(4096, 4096, log);
    await s.append([reading(0), reading(1)]);
    const events = Array.from({ length: 60 }, (_, i) => alarmEvent(i + 2));
    for (const e of events) await s.append([e]);
    expect(s.bytes).toBeGreaterThan(4096);
    expect(s.dropped).toBe(2);
    expect(lines.some((l) => l.level === 50 && /only alarm events/.test(l.msg))).toBe(true);
    expect(await drainAll(s)).toEqual(events);
  });

  it('does not count records already replayed as dropped', async () => {
    const s = await openSpool(8192, 4096);
    const first = Array.from({ length: 20 }, (_, i) => reading(i));
    await s.append(first);
    const seg = (await s.checkout())!;
    await s.read(seg);
    s.advance(seg, 15);
    await s.release(seg, false);
    let seq = 100;
    while (s.dropped === 0) await s.append([reading(seq++)]);
    expect(s.dropped).toBe(5);
  });

  it('never drops an event and counts every dropped point, whatever the appends (property)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 2048, max: 12_000 }),
        async (batches, maxBytes) => {
          const s = new Spool({
            dir: path.join(tmp.dir, `p${run++}`),
            maxBytes,
            segmentBytes: 1024,
            logger,
            now: Date.now,
          });
          await s.open();
          const appended: Point[] = [];
          let seq = 0;
          for (const kinds of batches) {
            const batch = kinds.map((isEvent) => (isEvent ? alarmEvent(seq++, 'x') : reading(seq++)));
            appended.push(...batch);
            await s.append(batch);
          }
          const left = await drainAll(s);
          await s.close();
          const isEvent = (p: Point) => p.measurement === 'alarm_event';
          expect(left.filter(isEvent)).toEqual(appended.filter(isEvent));
          const tel = appended.filter((p) => !isEvent(p));
          const leftTel = left.filter((p) => !isEvent(p));
          expect(s.dropped + leftTel.length).toBe(tel.length);
          expect(leftTel).toEqual(tel.slice(tel.length - leftTel.length));
        },
      ),
      { numRuns: 40 },
    );
  });
});
