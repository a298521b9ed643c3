/**
 * The alarm book's store recovers from failed writes (issue 11 finding 1): real files, a real
 * descriptor exhaustion (EMFILE) in a child process with a low `ulimit -n`, and a state directory
 * that refuses writes.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlarmEntry } from '../../src/alarms/book.js';
import { BookStore } from '../../src/alarms/book-store.js';
import type { AlarmEvent } from '../../src/domain/types.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { tailLines } from '../../src/util/tail-lines.js';
import { waitFor } from '../helpers/wait.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const event = (n: number): AlarmEvent =>
  ({
    type: 'acked',
    at: new Date(1_800_000_000_000 + n).toISOString(),
    operator: 'wang',
    alarm: { id: `s/x${n}/hihi` },
  }) as AlarmEvent;
const entry = (n: number): AlarmEntry => ({ record: { id: `s/x${n}/hihi` } }) as AlarmEntry;

describe('BookStore', () => {
  it('keeps every change while the directory refuses writes and writes them, in order, once it can', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gaswatch-book-'));
    dirs.push(dir);
    const failures: unknown[] = [];
    const health: (string | null)[] = [];
    const store = new BookStore({
      dir,
      logger: silentLogger(),
      clock: systemClock,
      onFailure: (e) => failures.push(e),
      onHealth: (f) => health.push(f ? f.error : null),
      alarmAfterMs: 300,
      holdMs: 60_000,
    });
    await store.save([event(0)], () => [entry(0)]);
    await mkdir(path.join(dir, 'alarms.json.tmp'));
    let settled = 0;
    const first = store.save([event(1)], () => [entry(0), entry(1)]).then(() => settled++);
    await waitFor(() => failures.length >= 1, { message: 'a failed write' });
    const second = store.save([event(2)], () => [entry(0), entry(1), entry(2)]).then(() => settled++);
    await waitFor(() => health.length >= 1, { message: 'the failure reported as lasting' });
    expect(health[0]).toBe('EISDIR');
    expect(settled).toBe(0);
    await rm(path.join(dir, 'alarms.json.tmp'), { recursive: true });
    await Promise.all([first, second]);
    expect(health.at(-1)).toBeNull();
    const restored = await store.load();
    expect(restored.entries.map((e) => e.record.id)).toEqual(['s/x0/hihi', 's/x1/hihi', 's/x2/hihi']);
    // the journal was appended once, before the book failed: no event twice, none missing
    expect(restored.journal.map((e) => e.alarm.id)).toEqual(['s/x0/hihi', 's/x1/hihi', 's/x2/hihi']);
  });

  it('stops holding acknowledgements for a disk that stays broken, and still writes later', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gaswatch-book-'));
    dirs.push(dir);
    const store = new BookStore({ dir, logger: silentLogger(), clock: systemClock, holdMs: 300 });
    await mkdir(path.join(dir, 'journal.jsonl'));
    const t0 = Date.now();
    await store.save([event(1)], () => [entry(1)]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    await store.save([event(2)], () => [entry(1), entry(2)]); // released at once while holding
    await expect(store.flush(300)).rejects.toThrow(/not written/);
    await rm(path.join(dir, 'journal.jsonl'), { recursive: true });
    await store.flush();
    expect((await store.load()).journal.map((e) => e.alarm.id)).toEqual(['s/x1/hihi', 's/x2/hihi']);
  });

  it('skips a torn line and a repeated batch when loading the journal', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gaswatch-book-'));
    dirs.push(dir);
    const lines = [event(1), event(2)].map((e) => JSON.stringify(e));
    await writeFile(path.join(dir, 'journal.jsonl'), `${lines.join('\n')}\n{"type":"ack\n${lines.join('\n')}\n`);
    const store = new BookStore({ dir, logger: silentLogger(), clock: systemClock });
    expect((await store.load()).journal).toHaveLength(2);
  });

  it('rotates the journal past its size and reads the tail across both files at start', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gaswatch-book-'));
    dirs.push(dir);
    const store = new BookStore({ dir, logger: silentLogger(), clock: systemClock, journalRotateBytes: 2000 });
    await store.load();
    // About 120 bytes an event: the journal rotates every ~17 events; two batches at a time.
    for (let n = 0; n < 60; n += 2) await store.save([event(n), event(n + 1)], () => [entry(n)]);
    expect((await stat(path.join(dir, 'journal.jsonl.1'))).size).toBeGreaterThan(2000);
    const newest = (await readFile(path.join(dir, 'journal.jsonl'), 'utf8')).split('\n').length - 1;
    expect(newest).toBeGreaterThan(0);
    expect(newest).toBeLessThan(25);
    const ids = (k: number) => Array.from({ length: k }, (_, i) => `s/x${60 - k + i}/hihi`);
    const reopened = new BookStore({ dir, logger: silentLogger(), clock: systemClock });
    expect((await reopened.load(10)).journal.map((e) => e.alarm.id)).toEqual(ids(10));
    // More than the newest file holds: the rest comes from the end of the rotated one, in order.
    expect((await reopened.load(25)).journal.map((e) => e.alarm.id)).toEqual(ids(25));
  });

  it('reads the last lines of a file backwards, across chunk boundaries', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gaswatch-tail-'));
    dirs.push(dir);
    const file = path.join(dir, 'f');
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i} ${'x'.repeat(i % 7)}`);
    await writeFile(file, `${lines.join('\n')}\n`);
    for (const chunk of [1, 5, 7, 64, 1 << 20])
      for (const n of [1, 3, 39, 40, 100]) expect(await tailLines(file, n, chunk)).toEqual(lines.slice(-n));
    await writeFile(file, 'a\nb\n{"torn');
    expect(await tailLines(file, 2, 3)).toEqual(['b', '{"torn']);
    expect(await tailLines(path.join(dir, 'none'), 5)).toEqual([]);
    expect(await tailLines(file, 0)).toEqual([]);
  });

  it('recovers from descriptor exhaustion (EMFILE) in a process with ulimit -n 64', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gaswatch-book-'));
    dirs.push(dir);
    const storeJs = path.resolve('dist/src/alarms/book-store.js');
    const script = `
      import fs from 'node:fs';
      import { BookStore } from ${JSON.stringify(storeJs)};
      const clock = { now: () => Date.now(), setTimeout: (f, ms) => { const t = setTimeout(f, ms); return { cancel: () => clearTimeout(t) }; } };
      const errors = [];
      const logger = { error() {}, warn() {}, info() {} };
      const store = new BookStore({ dir: ${JSON.stringify(dir)}, logger, clock, onFailure: (e) => errors.push(e.code) });
      await store.load();
      const hoard = [];
      try { for (;;) hoard.push(fs.openSync('/dev/null', 'r')); } catch (e) { if (e.code !== 'EMFILE') throw e; }
      const acks = [1, 2, 3].map((n) => ({ type: 'acked', at: new Date(n).toISOString(), operator: 'wang', alarm: { id: 's/x' + n + '/hihi' } }));
      const done = Promise.all(acks.map((a, i) => store.save([a], () => acks.slice(0, i + 1).map((x) => ({ record: x.alarm })))));
      await new Promise((r) => setTimeout(r, 700));
      const during = errors.length;
      for (const fd of hoard) fs.closeSync(fd);
      await done;
      const back = await store.load();
      console.log(JSON.stringify({ during, codes: [...new Set(errors)], hoarded: hoard.length, book: back.entries.length, journal: back.journal.map((e) => e.alarm.id) }));
    `;
    const { stdout } = await promisify(execFile)('sh', [
      '-c',
      `ulimit -n 64 && exec "${process.execPath}" --input-type=module -e "$0"`,
      script,
    ]);
    const out = JSON.parse(stdout) as {
      during: number;
      codes: string[];
      hoarded: number;
      book: number;
      journal: string[];
    };
    expect(out.hoarded).toBeGreaterThan(10);
    expect(out.during).toBeGreaterThanOrEqual(2);
    expect(out.codes).toEqual(['EMFILE']);
    expect(out.book).toBe(3);
    expect(out.journal).toEqual(['s/x1/hihi', 's/x2/hihi', 's/x3/hihi']);
  });
});
