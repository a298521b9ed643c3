/**
 * Persistence of the alarm book (SPEC §3: alarm state survives restarts) in the state directory:
 * `alarms.json` written atomically (temp file, fsync, rename, fsync of the directory) and the
 * journal appended to `journal.jsonl`. Saves are coalesced: while one is being written, later
 * requests wait for the next write, which carries the newest book — one fsync serves many changes.
 */
import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AlarmEvent } from '../domain/types.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import type { Logger } from '../util/logger.js';
import type { AlarmEntry } from './book.js';

const BOOK = 'alarms.json';
const JOURNAL = 'journal.jsonl';
const JOURNAL_ROTATE_BYTES = 64 * 1024 * 1024;

export interface Restored {
  entries: AlarmEntry[];
  journal: AlarmEvent[];
}

export class BookStore {
  /** The book to write next, read when the write starts: the newest state serves every waiter. */
  private latest: (() => AlarmEntry[]) | null = null;
  private pendingEvents: AlarmEvent[] = [];
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private writing: Promise<void> | null = null;

  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  async load(journalTail = 10_000): Promise<Restored> {
    await mkdir(this.dir, { recursive: true });
    let entries: AlarmEntry[] = [];
    try {
      const doc = JSON.parse(await readFile(path.join(this.dir, BOOK), 'utf8')) as {
        version: number;
        alarms: AlarmEntry[];
      };
      entries = doc.alarms ?? [];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        // A corrupt book must not stop monitoring; the alarms re-raise from live readings.
        this.logger.error(
          { err, file: path.join(this.dir, BOOK) },
          'alarm book unreadable; starting with an empty book',
        );
      }
    }
    const journal: AlarmEvent[] = [];
    try {
      const lines = (await readFile(path.join(this.dir, JOURNAL), 'utf8')).split('\n');
      for (const line of lines.slice(-journalTail - 1)) {
        if (!line) continue;
        try {
          journal.push(JSON.parse(line) as AlarmEvent);
        } catch {
          // a torn last line after a crash
        }
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.error({ err }, 'alarm journal unreadable');
    }
    return { entries, journal };
  }

  /**
   * Persist these events and the book as `snapshot` gives it when the write starts (at least as
   * new as the events); resolves once both are on disk.
   */
  save(events: readonly AlarmEvent[], snapshot: () => AlarmEntry[]): Promise<void> {
    this.latest = snapshot;
    this.pendingEvents.push(...events);
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.writing) this.writing = this.drain();
    return p;
  }

  /** Resolves once everything requested so far is written. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    // Let the current burst of synchronous work add its changes before writing.
    await new Promise((r) => setImmediate(r));
    while (this.latest) {
      const entries = this.latest();
      const events = this.pendingEvents;
      const waiters = this.waiters;
      this.latest = null;
      this.pendingEvents = [];
      this.waiters = [];
      try {
        await this.write(entries, events);
        for (const w of waiters) w.resolve();
      } catch (err) {
        this.logger.error({ err, dir: this.dir }, 'writing the alarm book failed');
        for (const w of waiters) w.reject(err);
      }
    }
    this.writing = null;
  }

  private async write(entries: AlarmEntry[], events: AlarmEvent[]): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    if (events.length) {
      const file = path.join(this.dir, JOURNAL);
      try {
        if ((await stat(file)).size > JOURNAL_ROTATE_BYTES) await rename(file, `${file}.1`);
      } catch {
        // no journal yet
      }
      const fh = await open(file, 'a');
      try {
        await fh.write(events.map((e) => JSON.stringify(e)).join('\n') + '\n');
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    await writeFileAtomic(
      path.join(this.dir, BOOK),
      JSON.stringify({ version: 1, savedAt: new Date().toISOString(), alarms: entries }),
    );
  }
}
