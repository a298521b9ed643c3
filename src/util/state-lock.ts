/**
 * One daemon per state directory: two writing the same alarm book and spool would corrupt both.
 * A lock file holds the owner's pid; a lock left by a process that no longer runs (kill -9, power
 * loss) is taken over.
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

export interface StateLock {
  release(): Promise<void>;
}

export async function lockStateDir(dir: string): Promise<StateLock> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'gaswatch.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return { release: () => rm(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid))
        throw new Error(`state directory ${dir} is in use by gaswatch process ${pid} (${file})`);
      await rm(file, { force: true }); // left by a process that is gone
    }
  }
  throw new Error(`could not lock the state directory ${dir}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
