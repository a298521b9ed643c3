/**
 * Overdue hazards climb the site's `responsible` chain like unacknowledged alarms (SPEC §9, §11).
 * The owner (the first person) heard of the hazard when it was opened; when it is still open at its
 * deadline it goes to the next person up, and one person further every `hazards.escalateAfter`
 * (default a day — hazards are fixed in days, not minutes) while it stays open; the last person
 * is reminded as often. Pure: the register calls it on every timed pass, and the step reached is
 * kept in the register, so a restart neither repeats nor skips a person.
 *
 * | hazard                                             | then                                                   |
 * | -------------------------------------------------- | ------------------------------------------------------ |
 * | open, deadline passed, not yet overdue             | overdue (slot 0): `hazard_overdue` to the person above the owner |
 * | overdue, still open, another escalateAfter passed  | slot k: `hazard_overdue` to the person k + 1 up the chain (the last one again and again) |
 * | rectified                                          | not overdue; the climb stops                           |
 * | reopened after its deadline                        | overdue again at the next pass; the climb starts over  |
 *
 * The climb counts from when gaswatch saw the hazard overdue (not from the deadline): after a long
 * stop it goes on one person at a time rather than waking the top of the chain at once.
 */
import type { HazardState } from '../domain/hazards.js';

export interface OverdueState {
  state: HazardState;
  /** Epoch ms. */
  deadline: number;
  /** When the hazard was seen overdue; null while it is not. */
  overdueSince: number | null;
  /** The last slot escalated; null while not overdue. */
  slot: number | null;
}

export type OverdueStep =
  | { kind: 'none' }
  | { kind: 'overdue'; slot: 0; since: number }
  | { kind: 'escalate'; slot: number; since: number };

const NONE: OverdueStep = { kind: 'none' };

export function overdueStep(h: OverdueState, now: number, every: number): OverdueStep {
  if (h.state !== 'open') return NONE;
  if (h.overdueSince === null) return now < h.deadline ? NONE : { kind: 'overdue', slot: 0, since: now };
  const slot = Math.floor((now - h.overdueSince) / Math.max(1, every));
  if (h.slot !== null && slot <= h.slot) return NONE;
  return { kind: 'escalate', slot, since: h.overdueSince };
}

/** Index in a chain of `length` people addressed at `slot`; undefined for an empty chain. */
export function personAt(slot: number, length: number): number | undefined {
  if (length <= 0) return undefined;
  return Math.min(slot + 1, length - 1);
}
