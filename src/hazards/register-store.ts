/**
 * Persistence of the hazard register (SPEC §11: the register survives restarts) in the state
 * directory: `hazards.json`, written atomically (util/atomic-file.ts) after every transaction.
 * Saves are coalesced: while one is being written, later requests wait for the next write, which
 * carries the newest register — one fsync serves a burst of changes.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';
import type { Logger } from '../util/logger.js';
import type { RegisterDoc } from './register.js';

export const REGISTER_FILE = 'hazards.json';

export class RegisterStore {
  private latest: (() => RegisterDoc) | null = null;
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  get file(): string {
    return path.join(this.dir, REGISTER_FILE);
  }

  /** The saved register, or undefined when there is none yet. Throws on an unreadable file. */
  async load(): Promise<RegisterDoc | undefined> {
    await mkdir(this.dir, { recursive: true });
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const doc = JSON.parse(text) as RegisterDoc;
    if (doc?.version !== 1 || !Array.isArray(doc.hazards))
      throw new Error(`${this.file}: not a hazard register (version ${String(doc?.version)})`);
    return doc;
  }

  /** Persist the register as `snapshot` gives it when the write starts; resolves once it is on disk. */
  save(snapshot: () => RegisterDoc): Promise<void> {
    this.latest = snapshot;
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.writing) this.writing = this.drain();
    return p;
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    // Let the current burst of synchronous work add its changes before writing.
    await new Promise((r) => setImmediate(r));
    while (this.latest) {
      const doc = this.latest();
      const waiters = this.waiters;
      this.latest = null;
      this.waiters = [];
      try {
        await mkdir(this.dir, { recursive: true });
        await writeFileAtomic(this.file, JSON.stringify({ ...doc, savedAt: new Date().toISOString() }));
        for (const w of waiters) w.resolve();
      } catch (err) {
        this.logger.error({ err, file: this.file }, 'writing the hazard register failed');
        for (const w of waiters) w.reject(err);
      }
    }
    this.writing = null;
  }
}
