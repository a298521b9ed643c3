/**
 * The life of a hidden hazard (SPEC §11; 隐患排查治理: register, rectify, verify, close). Pure:
 * (state, input) → (state, event) or a refusal that says why.
 *
 * Two people close a hazard: the one who rectified it cannot verify it (the two-person rule). A
 * hazard opened by a rule is closed by people, never by luck: when its condition goes away by itself
 * (a silent sensor speaks again, a drifting detector falls back) the hazard stays open and its
 * history records that the condition cleared — the cause is still unknown and must be found. A
 * rule's condition still present refuses verification: the fix did not take. A condition that comes
 * back after rectification reopens the hazard (by `gaswatch`): the fix did not hold.
 *
 *  state     | input                                        | next      | event / refusal
 *  ----------|----------------------------------------------|-----------|-----------------------------
 *  open      | rectify                                      | rectified | hazard_rectified
 *  open      | verify                                       | open      | refused: invalid_state (not rectified yet)
 *  open      | reopen                                       | open      | refused: invalid_state (already open)
 *  open      | condition returns                            | open      | — (history: condition_returned)
 *  rectified | rectify                                      | rectified | refused: invalid_state (already rectified)
 *  rectified | verify by the person who rectified it        | rectified | refused: two_person_rule
 *  rectified | verify, the rule's condition still present   | rectified | refused: condition_present
 *  rectified | verify by someone else                       | verified  | hazard_verified
 *  rectified | reopen                                       | open      | hazard_reopened
 *  rectified | condition returns                            | open      | hazard_reopened (by gaswatch)
 *  verified  | rectify / verify / reopen                    | verified  | refused: invalid_state (closed)
 *  verified  | condition returns                            | verified  | — (a new hazard is registered instead)
 *
 * Overdue is orthogonal (hazards/overdue.ts): an open hazard past its deadline.
 */
import type { HazardCommandResult, HazardEventType, HazardState } from '../domain/hazards.js';

export type HazardInput =
  | { type: 'rectify'; by: string }
  | { type: 'verify'; by: string }
  | { type: 'reopen'; by: string }
  | { type: 'condition_returns' };

export interface HazardMachineState {
  state: HazardState;
  /** Who rectified it last (for the two-person rule); null unless rectified. */
  rectifiedBy: string | null;
  /** A rule's condition present now; false for a hazard registered by hand. */
  conditionPresent: boolean;
}

export type Refusal = Extract<HazardCommandResult, { ok: false }>;

export type HazardStep =
  | { ok: true; next: HazardState; event: HazardEventType | null }
  | { ok: false; refusal: Refusal };

const refuse = (code: Refusal['code'], message: string): HazardStep => ({
  ok: false,
  refusal: { ok: false, code, message },
});

export function step(s: HazardMachineState, input: HazardInput): HazardStep {
  if (s.state === 'verified')
    return input.type === 'condition_returns'
      ? { ok: true, next: 'verified', event: null }
      : refuse('invalid_state', 'the hazard is verified and closed; register a new one if the problem is back');
  switch (input.type) {
    case 'rectify':
      return s.state === 'open'
        ? { ok: true, next: 'rectified', event: 'hazard_rectified' }
        : refuse('invalid_state', `already rectified by ${s.rectifiedBy ?? 'someone'}; it waits for verification`);
    case 'verify':
      if (s.state === 'open')
        return refuse('invalid_state', 'not rectified yet: it must be rectified before it is verified');
      if (s.rectifiedBy === input.by)
        return refuse(
          'two_person_rule',
          `${input.by} rectified this hazard, so another person must verify it (two-person rule)`,
        );
      if (s.conditionPresent)
        return refuse(
          'condition_present',
          'the condition that opened this hazard is still present: the fix has not taken',
        );
      return { ok: true, next: 'verified', event: 'hazard_verified' };
    case 'reopen':
      return s.state === 'rectified'
        ? { ok: true, next: 'open', event: 'hazard_reopened' }
        : refuse('invalid_state', 'the hazard is open already');
    case 'condition_returns':
      return s.state === 'rectified'
        ? { ok: true, next: 'open', event: 'hazard_reopened' }
        : { ok: true, next: 'open', event: null };
  }
}

/** Open or rectified: the hazard still needs people. */
export function isLive(state: HazardState): boolean {
  return state !== 'verified';
}
