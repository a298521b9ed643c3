/**
 * The narrow ports through which other rooms reach the alarm room without knowing it (STYLE habit
 * 14): the store, the broker watch and the notifier raise gaswatch's own alarms and record what
 * they did, and nothing more.
 */
import type { CommandResult, Priority } from './types.js';

export { SYSTEM_SITE } from './types.js';

/**
 * A text to be said in the control room's language (config `locale`, SPEC §8): a key of the
 * catalogues' `message` section and its values. The room that owns the language translates it, so
 * the rooms that raise system alarms need not know which language that is.
 */
export interface Text {
  key: string;
  vars?: Record<string, unknown>;
}

export interface SystemAlarms {
  /**
   * Raise (or update) or clear the system alarm `_gaswatch/{name}/system`. It follows the lifecycle
   * of every alarm: an operator must see that readings or notifications may be missing. The message
   * is a `Text` to translate, or a string already in the configured language. Never throws; a
   * failure to persist is logged by the alarm room.
   */
  set(name: string, active: boolean, priority: Priority, message: string | Text, value?: number | null): void;
}

export interface AlarmNotices {
  /**
   * Record what notification did with an alarm — `notified` (sent to someone) or `escalated`
   * (passed to the next person of the site's chain) — as an event of that alarm, without changing
   * its state (SPEC §4, §9). False when the alarm is no longer standing.
   */
  record(id: string, type: 'notified' | 'escalated', to: string, detail: string | null): boolean;
}

/** The operator commands on alarms, for the rooms that take them from outside (MQTT, HTTP). */
export interface AlarmCommandPort {
  ack(id: string, operator: string, comment: string | null): CommandResult;
  shelve(id: string, operator: string, minutes: number, reason: string): CommandResult;
  unshelve(id: string, operator: string): CommandResult;
}

/**
 * One alarm event as the KPIs need it (SPEC §11), whether it comes from the journal in memory or
 * from InfluxDB's `alarm_event`.
 */
export interface AlarmEventRow {
  /** Epoch ms of the event. */
  at: number;
  type: string;
  site: string;
  sensor: string;
  condition: string;
  priority: Priority;
  /** The alarm's state after the event. */
  state: string;
  /** Epoch ms of the raise the alarm stands from, when the source knows it (the journal does). */
  raisedAt?: number | undefined;
}

export interface AlarmEventHistory {
  /**
   * Alarm events with `from ≤ at < to` (epoch ms), oldest first, at most `limit` (then `truncated`),
   * from the long-term store (InfluxDB `alarm_event`). Rejects when the store cannot answer.
   */
  alarmEvents(q: {
    from: number;
    to: number;
    site?: string | undefined;
    limit: number;
  }): Promise<{ rows: AlarmEventRow[]; truncated: boolean }>;
}
