/**
 * Operator commands on alarms (SPEC §3, §8): acknowledge, shelve, unshelve — from the console, the
 * API and MQTT alike — and the notices notification records on an alarm. Every command is recorded
 * with who gave it; the returned result says why one was refused.
 */
import type { AlarmNotices } from '../domain/ports.js';
import type { CommandResult, Condition, Priority } from '../domain/types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { AlarmBook, AlarmEntry, HandleResult } from './book.js';
import { step } from './machine.js';

/** Longest shelve: a week. ISA-18.2 wants shelving time-limited, so nothing is forgotten for good. */
export const MAX_SHELVE_MINUTES = 7 * 24 * 60;

export interface KnownAlarm {
  site: string;
  sensor: string;
  condition: Condition;
  priority: Priority;
}

export interface CommandDeps {
  book: AlarmBook;
  clock: Clock;
  logger: Logger;
  /** The alarm an id names in the config in force, or undefined. */
  known(id: string): KnownAlarm | undefined;
}

export class AlarmCommands implements AlarmNotices {
  constructor(private readonly deps: CommandDeps) {}

  ack(id: string, operator: string, comment: string | null): CommandResult {
    const { book, clock } = this.deps;
    const now = clock.now();
    const entry = book.get(id);
    if (!entry) return this.missing(id, 'nothing to acknowledge');
    const res = step({ state: entry.record.state, cond: entry.cond }, { type: 'ack' });
    if (!res.accepted)
      return {
        ok: false,
        code: 'invalid_state',
        message: `alarm ${id} is ${entry.record.state}: nothing to acknowledge`,
      };
    this.durable(
      'an ack',
      book.transact(() => {
        const r = entry.record;
        r.state = res.next.state;
        r.ackedAt = new Date(now).toISOString();
        r.ackedBy = operator;
        r.comment = comment;
        if (r.state === 'normal' && r.clearedAt === null) r.clearedAt = r.ackedAt;
        book.emit('acked', r, now, operator, comment);
        book.settle(entry);
      }),
    );
    return { ok: true, alarm: { ...entry.record } };
  }

  shelve(id: string, operator: string, minutes: number, reason: string): CommandResult {
    const { book, clock } = this.deps;
    const now = clock.now();
    if (!(minutes > 0 && minutes <= MAX_SHELVE_MINUTES))
      return {
        ok: false,
        code: 'bad_request',
        message: `minutes must be between 1 and ${MAX_SHELVE_MINUTES} (7 days)`,
      };
    const entry = book.get(id) ?? this.normalEntry(id);
    if (!entry) return { ok: false, code: 'not_found', message: `no alarm ${id} in the config` };
    this.durable(
      'a shelve',
      book.transact(() => {
        const r = entry.record;
        r.shelved = true;
        r.shelvedBy = operator;
        r.shelvedUntil = new Date(now + minutes * 60_000).toISOString();
        r.shelveReason = reason;
        book.emit('shelved', r, now, operator, reason);
      }),
    );
    return { ok: true, alarm: { ...entry.record } };
  }

  unshelve(id: string, operator: string): CommandResult {
    const { book, clock } = this.deps;
    const now = clock.now();
    const entry = book.get(id);
    if (!entry) return this.missing(id, 'it is not shelved');
    if (!entry.record.shelved) return { ok: false, code: 'invalid_state', message: `alarm ${id} is not shelved` };
    this.durable(
      'an unshelve',
      book.transact(() => {
        const r = entry.record;
        r.shelved = false;
        r.shelvedBy = r.shelvedUntil = r.shelveReason = null;
        book.emit('unshelved', r, now, operator, null);
        book.settle(entry);
      }),
    );
    return { ok: true, alarm: { ...entry.record } };
  }

  /** AlarmNotices: `notified` or `escalated`, recorded without changing the alarm's state. */
  record(id: string, type: 'notified' | 'escalated', to: string, detail: string | null): boolean {
    const { book, clock } = this.deps;
    const entry = book.get(id);
    if (!entry) return false;
    const now = clock.now();
    this.durable(
      'a notice',
      book.transact(() => book.emit(type, entry.record, now, to, detail)),
    );
    return true;
  }

  /**
   * A book entry for a known alarm that is normal now, so that it can be shelved (a known
   * nuisance stays shelved when it comes). The book keeps normal entries only while shelved.
   */
  private normalEntry(id: string): AlarmEntry | undefined {
    const known = this.deps.known(id);
    if (!known) return undefined;
    return this.deps.book.open(id, known.site, known.sensor, known.condition, known.priority);
  }

  /** The refusal for a command on an alarm that is not in the book: known but normal, or unknown. */
  private missing(id: string, what: string): CommandResult {
    return this.deps.known(id)
      ? { ok: false, code: 'invalid_state', message: `alarm ${id} is normal: ${what}` }
      : { ok: false, code: 'not_found', message: `no alarm ${id} in the config` };
  }

  private durable(what: string, res: HandleResult): void {
    void res.durable?.catch((err) => this.deps.logger.error({ err }, `persisting ${what} failed`));
  }
}
