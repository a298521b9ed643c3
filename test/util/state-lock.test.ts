import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockStateDir } from '../../src/util/state-lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gaswatch-lock-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('state directory lock', () => {
  it('refuses a second owner while the first runs, and frees on release', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await writeFile(path.join(dir, 'gaswatch.lock'), `${child.pid}\n`);
      await expect(lockStateDir(dir)).rejects.toThrow(`in use by gaswatch process ${child.pid}`);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    // The owner died without releasing (kill -9): the lock is taken over.
    const lock = await lockStateDir(dir);
    expect((await readFile(path.join(dir, 'gaswatch.lock'), 'utf8')).trim()).toBe(String(process.pid));
    await lock.release();
    await (await lockStateDir(dir)).release();
  });
});
