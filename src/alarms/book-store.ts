/**
 * Persistence of the alarm book (SPEC §3: alarm state survives restarts) in the state directory:
 * `alarms.json` written atomically (temp file, fsync, rename, fsync of the directory) and the
 * journal appended to `journal.jsonl`, rotated to `journal.jsonl.1` past 64 MiB (one older file is
 * kept; the long-term record is InfluxDB's `alarm_event`). A start reads only the journal's tail, from
 * the end of the files, never a whole file. Saves are coalesced: while one is being written, later
 * requests wait for the next write, which carries the newest book — one fsync serves many changes.
 *
 * A failed write is never the end of it (issue 11: under descriptor exhaustion the journal failed
 * with EMFILE and acknowledgements made during the attack were never written). The changes stay
 * queued in memory — the newest book and every journal event not yet appended — and the write is
 * retried with backoff until the disk takes it, without waiting for a later change to trigger it.
 * The failure is visible: `onFailure` on each failed attempt (logged once a minute, counted) and
 * `onHealth` when the failure has lasted `alarmAfterMs` and when it ends (the composition root
 * raises and clears a system alarm). While the disk refuses writes for longer than `holdMs`, `save`
 * promises resolve without waiting for the disk: they gate MQTT acknowledgements of telemetry,
 * whose readings and alarm events are durable in the store, and a broken state disk must not stop
 * the monitor from reading gas. The changes are still written as soon as the disk recovers.
 */
import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AlarmEvent } from '../domain/types.js';
import { writeFileAtomic } from '../util/atomic-file.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { tailLines } from '../util/tail-lines.js';
import type { AlarmEntry } from './book.js';

const BOOK = 'alarms.json';
const JOURNAL = 'journal.jsonl';
const JOURNAL_ROTATE_BYTES = 64 * 1024 * 1024;
const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5_000;
const LOG_EVERY_MS = 60_000;

export interface Restored {
  entries: AlarmEntry[];
  journal: AlarmEvent[];
}

export interface BookStoreDeps {
  dir: string;
  logger: Logger;
  clock: Clock;
  /** Each failed write attempt (for a metric). */
  onFailure?: (err: unknown) => void;
  /**
   * Called with the error once writes have failed for `alarmAfterMs`, and with null once a write
   * succeeds after that: a condition an operator must see, not just a log line.
   */
  onHealth?: (failing: { error: string; sinceMs: number; pendingEvents: number } | null) => void;
  /** Default 2 s. */
  alarmAfterMs?: number;
  /** Default 5 s. */
  holdMs?: number;
  /** The journal is rotated past this size. Default 64 MiB. */
  journalRotateBytes?: number;
}

interface Waiter {
  resolve: () => void;
}

export class BookStore {
  /** The book to write next, read when the write starts: the newest state serves every waiter. */
  private latest: (() => AlarmEntry[]) | null = null;
  private pendingEvents: AlarmEvent[] = [];
  private waiters: Waiter[] = [];
  private writing: Promise<void> | null = null;
  /** Daemon time of the first failure of the current streak, or null while writes succeed. */
  private failingSince: number | null = null;
  private alarmed = false;
  private lastLogged = Number.NEGATIVE_INFINITY;
  private retryTimer: { cancel(): void; fire(): void } | null = null;
  /** A journal append failed part-way: the next one starts on a fresh line. */
  private journalTorn = false;

  constructor(private readonly deps: BookStoreDeps) {}

  private get dir(): string {
    return this.deps.dir;
  }

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
        this.deps.logger.error(
          { err, file: path.join(this.dir, BOOK) },
          'alarm book unreadable; starting with an empty book',
        );
      }
    }
    const journal: AlarmEvent[] = [];
    const file = path.join(this.dir, JOURNAL);
    try {
      let lines = await tailLines(file, journalTail);
      // Just rotated: the rest of the tail is at the end of the older file.
      if (lines.length < journalTail) lines = [...(await tailLines(`${file}.1`, journalTail - lines.length)), ...lines];
      // A batch re-appended after a failed fsync repeats itself: every event is unique (time and record).
      const seen = new Set<string>();
      for (const line of lines) {
        if (!line || seen.has(line)) continue;
        seen.add(line);
        try {
          journal.push(JSON.parse(line) as AlarmEvent);
        } catch {
          // a torn line after a crash or a failed append
        }
      }
    } catch (err) {
      this.deps.logger.error({ err }, 'alarm journal unreadable');
    }
    return { entries, journal };
  }

  /**
   * Persist these events and the book as `snapshot` gives it when the write starts (at least as new
   * as the events); resolves once both are on disk (or see `holdMs`).
   */
  save(events: readonly AlarmEvent[], snapshot: () => AlarmEntry[]): Promise<void> {
    this.latest = snapshot;
    this.pendingEvents.push(...events);
    const p = new Promise<void>((resolve) => {
      if (this.holding()) resolve();
      else this.waiters.push({ resolve });
    });
    if (!this.writing) this.writing = this.drain();
    return p;
  }

  /**
   * Resolves once everything requested so far is written. While the disk refuses, retries at once
   * and then with backoff for up to `timeoutMs`, then rejects saying what is not durable.
   */
  async flush(timeoutMs = 10_000): Promise<void> {
    const deadline = this.deps.clock.now() + timeoutMs;
    while (this.writing) {
      this.retryTimer?.fire();
      const writing = this.writing;
      const left = deadline - this.deps.clock.now();
      if (left <= 0) {
        const pending = this.pendingEvents.length;
        throw new Error(`alarm state not written to ${this.dir}: the book and ${pending} journal events`);
      }
      let timer: { cancel(): void } | undefined;
      await Promise.race([writing, new Promise<void>((r) => (timer = this.deps.clock.setTimeout(r, left)))]);
      timer?.cancel();
    }
  }

  private holding(): boolean {
    return this.failingSince !== null && this.deps.clock.now() - this.failingSince >= (this.deps.holdMs ?? 5_000);
  }

  private async drain(): Promise<void> {
    // Let the current burst of synchronous work add its changes before writing.
    await new Promise((r) => setImmediate(r));
    let delay = RETRY_MIN_MS;
    while (this.latest) {
      const entries = this.latest;
      const events = this.pendingEvents;
      const waiters = this.waiters;
      this.latest = null;
      this.pendingEvents = [];
      this.waiters = [];
      let journaled = events.length === 0;
      try {
        if (!journaled) {
          await this.appendJournal(events);
          journaled = true;
        }
        await this.writeBook(entries());
        for (const w of waiters) w.resolve();
        this.recovered();
        delay = RETRY_MIN_MS;
      } catch (err) {
        // Nothing is dropped: the newest book (a later save's, if any) and every event not yet in
        // the journal, in order, are written by the next attempt.
        this.latest ??= entries;
        if (!journaled) this.pendingEvents = [...events, ...this.pendingEvents];
        this.waiters = [...waiters, ...this.waiters];
        this.failed(err);
        await this.wait(delay);
        delay = Math.min(RETRY_MAX_MS, delay * 2);
      }
    }
    this.writing = null;
  }

  /** Sleep on the clock; `flush()` may cut it short. */
  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.deps.clock.setTimeout(() => done(), ms);
      const done = () => {
        timer.cancel();
        this.retryTimer = null;
        resolve();
      };
      this.retryTimer = { cancel: () => timer.cancel(), fire: done };
    });
  }

  private failed(err: unknown): void {
    const now = this.deps.clock.now();
    this.failingSince ??= now;
    this.deps.onFailure?.(err);
    const error = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    if (now - this.lastLogged >= LOG_EVERY_MS) {
      this.lastLogged = now;
      this.deps.logger.error(
        { err, dir: this.dir, pendingEvents: this.pendingEvents.length, failingForMs: now - this.failingSince },
        'writing the alarm book failed; kept in memory and retried',
      );
    }
    if (this.holding()) {
      // Release what waits for the disk (see the module comment); the changes stay queued.
      for (const w of this.waiters) w.resolve();
      this.waiters = [];
    }
    if (now - this.failingSince >= (this.deps.alarmAfterMs ?? 2_000)) {
      this.alarmed = true;
      this.deps.onHealth?.({ error, sinceMs: now - this.failingSince, pendingEvents: this.pendingEvents.length });
    }
  }

  private recovered(): void {
    if (this.failingSince === null) return;
    const failedMs = this.deps.clock.now() - this.failingSince;
    this.failingSince = null;
    this.lastLogged = Number.NEGATIVE_INFINITY;
    this.deps.logger.warn({ dir: this.dir, failedMs }, 'alarm book written again; nothing was lost');
    if (this.alarmed) {
      this.alarmed = false;
      this.deps.onHealth?.(null);
    }
  }

  private async appendJournal(events: AlarmEvent[]): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, JOURNAL);
    try {
      if ((await stat(file)).size > (this.deps.journalRotateBytes ?? JOURNAL_ROTATE_BYTES))
        await rename(file, `${file}.1`);
    } catch {
      // no journal yet
    }
    const fh = await open(file, 'a');
    try {
      const text = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
      // After a failed append the file may end in half a line: end it, or the next event is lost too.
      const torn = this.journalTorn;
      this.journalTorn = true;
      await fh.write(torn ? `\n${text}` : text);
      await fh.sync();
      this.journalTorn = false;
    } finally {
      await fh.close();
    }
  }

  private async writeBook(entries: AlarmEntry[]): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const savedAt = new Date(this.deps.clock.now()).toISOString();
    await writeFileAtomic(path.join(this.dir, BOOK), JSON.stringify({ version: 1, savedAt, alarms: entries }));
  }
}
