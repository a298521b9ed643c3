/**
 * Replace a file so that a crash at any moment leaves either the old content or the new one, never
 * a torn mix: write a temp file beside it, fsync it, rename it over the target, fsync the directory
 * (so the rename itself survives a power cut). Used by the alarm book and the spool; and, through
 * `CoalescedFile`, by the hazard register and the notification outbox.
 */
import { mkdir, open, rename } from 'node:fs/promises';
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

/**
 * A file rewritten atomically with the newest state, writes coalesced: `save` takes a function that
 * gives the content when the write starts, so one write (one fsync) serves every save made while
 * the one before it was on its way. A save resolves once a write at least as new as it is on disk,
 * and rejects if that write failed (the next save tries again).
 */
export class CoalescedFile {
  private latest: (() => string) | null = null;
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private writing: Promise<void> | null = null;

  /** `onFailed`: once per failed write (not per save it served), e.g. to log it. */
  constructor(
    readonly file: string,
    private readonly onFailed?: (err: unknown) => void,
  ) {}

  save(content: () => string): Promise<void> {
    this.latest = content;
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.writing ??= this.drain();
    return p;
  }

  /** Resolves once nothing is waiting to be written (failed writes included). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    // Let the current burst of synchronous work add its changes before writing.
    await new Promise((r) => setImmediate(r));
    while (this.latest) {
      const content = this.latest;
      const waiters = this.waiters;
      this.latest = null;
      this.waiters = [];
      try {
        await mkdir(path.dirname(this.file), { recursive: true });
        await writeFileAtomic(this.file, content());
        for (const w of waiters) w.resolve();
      } catch (err) {
        this.onFailed?.(err);
        for (const w of waiters) w.reject(err);
      }
    }
    this.writing = null;
  }
}
