import { describe, expect, it } from 'vitest';
import { type OverdueState, overdueStep, personAt } from '../../src/hazards/overdue.js';

const DEADLINE = 1_000_000;
const DAY = 86_400_000;
const open = (o: Partial<OverdueState> = {}): OverdueState => ({
  state: 'open',
  deadline: DEADLINE,
  overdueSince: null,
  slot: null,
  ...o,
});

// The rows of the table in src/hazards/overdue.ts.
describe('overdue hazards climb the chain', () => {
  it('open before its deadline: nothing', () => {
    expect(overdueStep(open(), DEADLINE - 1, DAY)).toEqual({ kind: 'none' });
  });

  it('open, deadline passed, not yet overdue: overdue at slot 0, from now', () => {
    expect(overdueStep(open(), DEADLINE, DAY)).toEqual({ kind: 'overdue', slot: 0, since: DEADLINE });
    // Seen late (the daemon was down): the climb counts from when it was seen.
    expect(overdueStep(open(), DEADLINE + 3 * DAY, DAY)).toEqual({
      kind: 'overdue',
      slot: 0,
      since: DEADLINE + 3 * DAY,
    });
  });

  it('overdue and still open: one slot further every escalateAfter, once each', () => {
    const h = open({ overdueSince: DEADLINE, slot: 0 });
    expect(overdueStep(h, DEADLINE + DAY - 1, DAY)).toEqual({ kind: 'none' });
    expect(overdueStep(h, DEADLINE + DAY, DAY)).toEqual({ kind: 'escalate', slot: 1, since: DEADLINE });
    expect(overdueStep({ ...h, slot: 1 }, DEADLINE + DAY + 5, DAY)).toEqual({ kind: 'none' });
    // After a stop of several periods: the current slot, once (not one message per period missed).
    expect(overdueStep({ ...h, slot: 1 }, DEADLINE + 4 * DAY, DAY)).toEqual({
      kind: 'escalate',
      slot: 4,
      since: DEADLINE,
    });
  });

  it('rectified (or verified): the climb stops', () => {
    expect(overdueStep(open({ state: 'rectified' }), DEADLINE + DAY, DAY)).toEqual({ kind: 'none' });
    expect(overdueStep(open({ state: 'verified' }), DEADLINE + DAY, DAY)).toEqual({ kind: 'none' });
  });

  it('reopened after its deadline (overdue state reset on rectify): overdue again at once', () => {
    expect(overdueStep(open(), DEADLINE + 2 * DAY, DAY).kind).toBe('overdue');
  });

  it('slot k goes to the person k + 1 up the chain, the last one again and again', () => {
    expect([0, 1, 2, 3, 4].map((s) => personAt(s, 3))).toEqual([1, 2, 2, 2, 2]);
    expect([0, 1].map((s) => personAt(s, 1))).toEqual([0, 0]);
    expect(personAt(0, 0)).toBeUndefined();
  });
});
