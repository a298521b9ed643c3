/** The coalesced atomic file the hazard register and the notification outbox are saved through: real files. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CoalescedFile } from '../../src/util/atomic-file.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'gaswatch-coalesced-'));
  dirs.push(d);
  return d;
}

describe('CoalescedFile', () => {
  it('serves a burst of saves with one write of the newest content, in a directory it creates', async () => {
    const file = path.join(await tempDir(), 'state', 'doc.json');
    const f = new CoalescedFile(file);
    let reads = 0;
    let n = 0;
    const saves = Array.from({ length: 5 }, () => {
      n++;
      return f.save(() => {
        reads++;
        return JSON.stringify({ n });
      });
    });
    await Promise.all(saves);
    expect(reads).toBe(1);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ n: 5 });
    // A later save writes again.
    await f.save(() => '{"n":6}');
    expect(await readFile(file, 'utf8')).toBe('{"n":6}');
  });

  it('rejects the saves a failed write served, reports the failure once, and the next save tries again', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'blocker'), 'a file where the directory should be');
    const failures: unknown[] = [];
    const f = new CoalescedFile(path.join(dir, 'blocker', 'doc.json'), (err) => failures.push(err));
    const results = await Promise.allSettled([f.save(() => 'a'), f.save(() => 'b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(failures).toHaveLength(1);
    await f.flush();
    await rm(path.join(dir, 'blocker'));
    await f.save(() => 'c');
    expect(await readFile(path.join(dir, 'blocker', 'doc.json'), 'utf8')).toBe('c');
  });
});
