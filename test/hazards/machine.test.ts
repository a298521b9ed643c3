import { describe, expect, it } from 'vitest';
import type { HazardState } from '../../src/domain/hazards.js';
import { type HazardInput, step } from '../../src/hazards/machine.js';

const rectify = (by = 'wang'): HazardInput => ({ type: 'rectify', by });
const verify = (by = 'li'): HazardInput => ({ type: 'verify', by });
const reopen = (by = 'li'): HazardInput => ({ type: 'reopen', by });
const returns: HazardInput = { type: 'condition_returns' };

type Row = [
  state: HazardState,
  rectifiedBy: string | null,
  conditionPresent: boolean,
  input: HazardInput,
  next: HazardState,
  outcome: string | null,
];

// Every row of the transition table in src/hazards/machine.ts. `outcome` is the event, or
// `refused:<code>`, or null for an accepted input without an event.
const TABLE: Row[] = [
  ['open', null, true, rectify(), 'rectified', 'hazard_rectified'],
  ['open', null, false, verify(), 'open', 'refused:invalid_state'],
  ['open', null, false, reopen(), 'open', 'refused:invalid_state'],
  ['open', null, false, returns, 'open', null],
  ['rectified', 'wang', false, rectify('li'), 'rectified', 'refused:invalid_state'],
  ['rectified', 'wang', false, verify('wang'), 'rectified', 'refused:two_person_rule'],
  ['rectified', 'wang', true, verify('li'), 'rectified', 'refused:condition_present'],
  ['rectified', 'wang', false, verify('li'), 'verified', 'hazard_verified'],
  ['rectified', 'wang', false, reopen('li'), 'open', 'hazard_reopened'],
  ['rectified', 'wang', false, returns, 'open', 'hazard_reopened'],
  ['verified', 'wang', false, rectify(), 'verified', 'refused:invalid_state'],
  ['verified', 'wang', false, verify(), 'verified', 'refused:invalid_state'],
  ['verified', 'wang', false, reopen(), 'verified', 'refused:invalid_state'],
  ['verified', 'wang', true, returns, 'verified', null],
];

describe('hazard state machine', () => {
  it.each(TABLE)('%s (rectified by %s, condition %s) + %j → %s (%s)', (state, by, present, input, next, outcome) => {
    const res = step({ state, rectifiedBy: by, conditionPresent: present }, input);
    if (outcome?.startsWith('refused:')) {
      expect(res.ok).toBe(false);
      if (!res.ok) {
        expect(res.refusal.code).toBe(outcome.slice('refused:'.length));
        expect(res.refusal.message.length).toBeGreaterThan(20);
      }
      expect(state).toBe(next);
    } else {
      expect(res).toEqual({ ok: true, next, event: outcome });
    }
  });

  it('says who must verify under the two-person rule', () => {
    const res = step({ state: 'rectified', rectifiedBy: 'wang', conditionPresent: false }, verify('wang'));
    expect(res.ok ? '' : res.refusal.message).toBe(
      'wang rectified this hazard, so another person must verify it (two-person rule)',
    );
  });
});
