/**
 * Hidden hazards (SPEC §11): pure types shared by the hazard register, the MQTT publisher, the
 * store, notification and the HTTP API. A hidden hazard is a condition that is not (yet) an alarm
 * but makes one likely or blinds one; it is registered with an owner and a deadline and followed
 * until someone has fixed it and someone else has verified the fix (隐患排查治理: find, register,
 * assign, rectify, verify, close).
 */

/** The rules of `hazards.rules`, and `manual` for hazards registered by people. */
export const HAZARD_RULES = ['stale', 'standing', 'chattering', 'shelved', 'drift', 'calibration'] as const;
export type HazardRule = (typeof HAZARD_RULES)[number];
export const HAZARD_KINDS = [...HAZARD_RULES, 'manual'] as const;
export type HazardKind = (typeof HAZARD_KINDS)[number];

/**
 * 严重 / 一般 (major / minor): a major hazard gets a short deadline, a minor one a longer one. Not the
 * legal 重大事故隐患 category, which the enterprise determines (see `hazard.severity._note` in the catalogues).
 */
export const HAZARD_SEVERITIES = ['major', 'minor'] as const;
export type HazardSeverity = (typeof HAZARD_SEVERITIES)[number];

export const HAZARD_STATES = ['open', 'rectified', 'verified'] as const;
export type HazardState = (typeof HAZARD_STATES)[number];

/** What a history line records. The first five are people's (or the register's) transitions. */
export const HAZARD_ACTIONS = [
  'opened',
  'rectified',
  'verified',
  'reopened',
  'overdue',
  'escalated',
  'condition_cleared',
  'condition_returned',
] as const;
export type HazardAction = (typeof HAZARD_ACTIONS)[number];

/** Who the register itself acts as in a history line (opened by a rule, reopened by a condition). */
export const REGISTER_ACTOR = 'gaswatch';

export interface HazardHistoryEntry {
  /** ISO-8601. */
  at: string;
  by: string;
  action: HazardAction;
  note: string | null;
}

/** The hazard record of SPEC §11, as published retained, served by the API and stored. */
export interface HazardRecord {
  /** `{site}/H-{n}`, numbered per site. */
  id: string;
  site: string;
  sensor: string | null;
  kind: HazardKind;
  severity: HazardSeverity;
  state: HazardState;
  /** The first person of the site's `responsible` chain when the hazard was opened; null without a chain. */
  owner: string | null;
  deadline: string;
  /** Open (not rectified) past its deadline. */
  overdue: boolean;
  description: string;
  createdAt: string;
  history: HazardHistoryEntry[];
  /**
   * Extension: for a rule's hazard, whether its condition is present now (`present`) or went away
   * by itself (`cleared`) — a cleared condition does not close the hazard (see hazards/machine.ts);
   * null for a hazard registered by hand.
   */
  condition: 'present' | 'cleared' | null;
  /** Extension: the alarm the hazard is about (`standing`, `chattering`, `shelved`), else null. */
  alarm: string | null;
  /** Extension: ISO time of the last change. */
  updatedAt: string;
}

export const HAZARD_EVENT_TYPES = [
  'hazard_opened',
  'hazard_rectified',
  'hazard_verified',
  'hazard_reopened',
  'hazard_overdue',
] as const;
export type HazardEventType = (typeof HAZARD_EVENT_TYPES)[number];

/** A person of the site's chain an event is addressed to (notification sends it to them). */
export interface HazardAddressee {
  name: string;
  /** Index in the site's `responsible` chain (0 = the first person), and the chain's length. */
  step: number;
  of: number;
}

/** One message on `gaswatch/events` per transition: `{"type":"hazard_…","at":ISO,"hazard":record,…}`. */
export interface HazardEvent {
  type: HazardEventType;
  at: string;
  hazard: HazardRecord;
  by: string;
  note: string | null;
  /** Who must hear of it now: the owner (opened, reopened) or the next person up (overdue). */
  to: HazardAddressee | null;
}

/**
 * What leaves the register in one transaction: its events, and every record that changed (a
 * history line such as "condition cleared" changes the record without an event).
 */
export interface HazardBatch {
  events: readonly HazardEvent[];
  changed: readonly HazardRecord[];
}

/** The outcome of a person's command on a hazard (HTTP API). */
export type HazardCommandResult =
  | { ok: true; hazard: HazardRecord }
  | {
      ok: false;
      code: 'not_found' | 'invalid_state' | 'two_person_rule' | 'condition_present' | 'bad_request' | 'standby';
      message: string;
    };
