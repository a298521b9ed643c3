/**
 * The notifications still waiting for their channel, kept in the state directory
 * (`notify-outbox.json`, written atomically) so that a stop, a crash or a takeover does not lose
 * them: whichever role the node starts in, it delivers them (SPEC §9 "retried with backoff" now
 * survives a restart). The file is rewritten whenever a queue changes — coalesced: while one write
 * runs, later changes wait for the next, which carries the newest queues — so a `kill -9` loses at
 * most the changes of the write in progress, and a message sent just before it may be sent again
 * (at least once: a person told twice rather than never).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CoalescedFile } from '../util/atomic-file.js';
import type { Logger } from '../util/logger.js';
import type { Notification } from './message.js';

export const OUTBOX_FILE = 'notify-outbox.json';

/** What is recorded once a message was delivered: a `notified` event of the alarm (AlarmNotices). */
export interface Notice {
  alarm: string;
  to: string;
  detail: string;
}

/** A waiting message, as saved. */
export interface SavedJob {
  /** The channel's name, or the personal queue's `{site}-responsible-{n}`. */
  channel: string;
  /** A person's own webhook: which person of which site, at which URL. */
  personal?: { site: string; index: number; url: string } | undefined;
  n: Notification;
  notice?: Notice | undefined;
  /** When it was first queued (daemon ms): its retry window counts from there. */
  enqueuedAt: number;
  attempts: number;
}

export class Outbox {
  private readonly out: CoalescedFile;

  constructor(
    dir: string,
    private readonly logger: Logger,
  ) {
    this.out = new CoalescedFile(path.join(dir, OUTBOX_FILE), (err) =>
      this.logger.error({ err, file: this.file }, 'writing the notification outbox failed'),
    );
  }

  get file(): string {
    return this.out.file;
  }

  /** The saved messages; none when there is no file. An unreadable file is kept aside and logged. */
  async load(): Promise<SavedJob[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.logger.error({ err, file: this.file }, 'notification outbox unreadable');
      return [];
    }
    try {
      const doc = JSON.parse(text) as { version?: number; jobs?: unknown };
      if (doc.version !== 1 || !Array.isArray(doc.jobs)) throw new Error('not an outbox');
      return (doc.jobs as SavedJob[]).filter(
        (j) => typeof j?.channel === 'string' && typeof j.n?.title === 'string' && typeof j.enqueuedAt === 'number',
      );
    } catch (err) {
      this.logger.error({ err: (err as Error).message, file: this.file }, 'notification outbox unreadable; ignored');
      return [];
    }
  }

  /** Save the queues as `snapshot` gives them when the write starts; a failed write is logged, not thrown. */
  save(snapshot: () => SavedJob[]): Promise<void> {
    return this.out.save(() => JSON.stringify({ version: 1, jobs: snapshot() })).catch(() => undefined);
  }

  flush(): Promise<void> {
    return this.out.flush();
  }
}
