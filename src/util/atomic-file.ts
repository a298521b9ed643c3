/**
 * Replace a file so that a crash at any moment leaves either the old content or the new one, never
 * a torn mix: write a temp file beside it, fsync it, rename it over the target, fsync the directory
 * (so the rename itself survives a power cut). Used by the alarm book and the spool.
 */
import { open, rename } from 'node:fs/promises';
import path from 'node:path';

export async function writeFileAtomic(target: string, data: string | Buffer): Promise<void> {
  const tmp = `${target}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, target);
  await syncDir(path.dirname(target));
}

/** fsync a directory: makes the creation, rename or removal of its entries durable. */
export async function syncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}
