/**
 * Persistence of the hazard register (SPEC §11: the register survives restarts) in the state
 * directory: `hazards.json`, written atomically (util/atomic-file.ts) after every transaction.
 * Saves are coalesced: while one is being written, later requests wait for the next write, which
 * carries the newest register — one fsync serves a burst of changes.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CoalescedFile } from '../util/atomic-file.js';
import type { Logger } from '../util/logger.js';
import type { RegisterDoc } from './register.js';

export const REGISTER_FILE = 'hazards.json';

export class RegisterStore {
  private readonly out: CoalescedFile;

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {
    this.out = new CoalescedFile(path.join(dir, REGISTER_FILE), (err) =>
      this.logger.error({ err, file: this.file }, 'writing the hazard register failed'),
    );
  }

  get file(): string {
    return this.out.file;
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
    return this.out.save(() => JSON.stringify({ ...snapshot(), savedAt: new Date().toISOString() }));
  }

  flush(): Promise<void> {
    return this.out.flush();
  }
}
