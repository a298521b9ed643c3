/**
 * The role of a node in a hot-standby pair (SPEC §10, docs/ha.md). Pure: (state, input) → (state,
 * effects); the controller (controller.ts) turns the effects into a started or stopped active set,
 * a status republished and a timer. "Ours" is the claim (term, node) this node holds; "highest" is
 * the highest claim seen on the status topic (status.ts orders them) with its latest word.
 *
 *  role       | input                          | when                                     | next      | effects
 *  -----------|--------------------------------|------------------------------------------|-----------|-----------------------------
 *  standby    | synced / status                | (the highest claim and the wait update)  | standby   | wake at the takeover time
 *  standby    | tick                           | watching, takeover time reached          | promoting | promote(max(term, highest)+1)
 *  standby    | tick                           | otherwise                                | standby   | wake at the takeover time
 *  promoting  | promoted                       |                                          | active    | —
 *  promoting  | failed                         |                                          | standby   | wake after takeoverAfter
 *  promoting, | status / synced                | a claim higher than ours                 | demoting  | demote(deposed)
 *  active     |                                |                                          |           |
 *  active     | status                         | our claim, offline (our Last Will)       | demoting  | demote(lost)
 *  active     | status / synced                | a lower claim, or no status at all       | active    | assert (republish ours)
 *  promoting, | partition_lost                 |                                          | demoting  | demote(lost)
 *  active     |                                |                                          |           |
 *  demoting   | demoted                        |                                          | standby   | wake at the takeover time
 *  any        | watch_lost                     |                                          | (same)    | — (not watching: no takeover)
 *  any        | peer                           | (whether another node stands by updates) | (same)    | standby: wake at the takeover time
 *  promoting, | stop                           |                                          | stopped   | demote(stop)
 *  active     |                                |                                          |           |
 *  others     | stop                           |                                          | stopped   | —
 *
 * The takeover time of a standby, from the highest claim seen (never while its watch is down: a
 * standby that cannot see the status cannot know that nobody holds the partition):
 *  - none seen since it watched: that moment + takeoverAfter (a fresh broker, or one that lost its
 *    retained messages);
 *  - its own (it held the partition last and nobody took it since): at once — unless its last term
 *    ended within 3 × takeoverAfter of its start and another node stands by, then 2 × takeoverAfter
 *    after it ended, so that a node that keeps losing the partition leaves it to the other;
 *  - another node's, online: when that status was last heard + takeoverAfter (the active node
 *    republishes it every takeoverAfter / 3: a lease);
 *  - another node's, offline (its Last Will): when it was heard + takeoverAfter; at once after a
 *    clean stop (`handover`).
 */
import { type Claim, compareClaims, type Status } from './status.js';

export type Role = 'standby' | 'promoting' | 'active' | 'demoting' | 'stopped';

export interface Heard extends Status {
  /** When this node heard it (its clock). */
  at: number;
}

export interface RoleState {
  role: Role;
  node: string;
  /** The term held (promoting, active) or last held; 0 = never. */
  term: number;
  highest: Heard | null;
  watching: boolean;
  /** When the watch last read the retained status. */
  syncedAt: number | null;
  /** When the current or last term started and ended (this node's clock). */
  termStart: number | null;
  termEnd: number | null;
  /** No promotion before this (after a failed one). */
  notBefore: number;
  /** Another node of the pair says it stands by (its presence, watch.ts). */
  peerStandby: boolean;
}

export type RoleInput =
  | { type: 'synced'; status: Status | undefined; now: number }
  | { type: 'status'; status: Status; now: number }
  | { type: 'watch_lost' }
  | { type: 'peer'; standby: boolean }
  | { type: 'tick'; now: number }
  | { type: 'promoted'; now: number }
  | { type: 'failed'; now: number }
  | { type: 'partition_lost'; now: number }
  | { type: 'demoted'; now: number }
  | { type: 'stop' };

export type DemoteReason = 'deposed' | 'lost' | 'stop';

export type RoleEffect =
  | { type: 'promote'; term: number }
  | { type: 'demote'; reason: DemoteReason }
  | { type: 'assert' }
  | { type: 'wake'; at: number };

export interface RoleStep {
  state: RoleState;
  effects: RoleEffect[];
}

export function initialRole(node: string, term: number): RoleState {
  return {
    role: 'standby',
    node,
    term,
    highest: null,
    watching: false,
    syncedAt: null,
    termStart: null,
    termEnd: null,
    notBefore: Number.NEGATIVE_INFINITY,
    peerStandby: false,
  };
}

/** When a standby in `s` takes over; undefined while it cannot know (its watch is down). */
export function takeoverAt(s: RoleState, takeoverAfter: number): number | undefined {
  if (!s.watching || s.syncedAt === null) return undefined;
  const h = s.highest;
  let at: number;
  if (!h) at = s.syncedAt + takeoverAfter;
  else if (h.node === s.node) {
    const short =
      s.peerStandby &&
      s.termStart !== null &&
      s.termEnd !== null &&
      s.termEnd - s.termStart < 3 * takeoverAfter &&
      h.term === s.term;
    at = short ? (s.termEnd as number) + 2 * takeoverAfter : Number.NEGATIVE_INFINITY;
  } else if (h.online || !h.handover) at = h.at + takeoverAfter;
  else at = h.at;
  return Math.max(at, s.notBefore);
}

export function stepRole(s: RoleState, input: RoleInput, takeoverAfter: number): RoleStep {
  if (s.role === 'stopped') return { state: s, effects: [] };
  const ours: Claim = { term: s.term, node: s.node };
  const held = s.role === 'promoting' || s.role === 'active';
  switch (input.type) {
    case 'synced':
    case 'status': {
      const next = { ...s, highest: higher(s.highest, input.status, input.now) };
      if (input.type === 'synced') {
        next.watching = true;
        next.syncedAt = input.now;
      }
      const st = input.status;
      if (held && st && compareClaims(st, ours) > 0)
        return { state: { ...next, role: 'demoting' }, effects: [{ type: 'demote', reason: 'deposed' }] };
      if (s.role === 'active' && st && compareClaims(st, ours) === 0 && !st.online)
        return { state: { ...next, role: 'demoting' }, effects: [{ type: 'demote', reason: 'lost' }] };
      if (s.role === 'active' && (!st || compareClaims(st, ours) < 0))
        return { state: next, effects: [{ type: 'assert' }] };
      return { state: next, effects: s.role === 'standby' ? wake(next, takeoverAfter) : [] };
    }
    case 'watch_lost':
      return { state: { ...s, watching: false }, effects: [] };
    case 'peer': {
      const next = { ...s, peerStandby: input.standby };
      return { state: next, effects: s.role === 'standby' ? wake(next, takeoverAfter) : [] };
    }
    case 'tick': {
      if (s.role !== 'standby') return { state: s, effects: [] };
      const at = takeoverAt(s, takeoverAfter);
      if (at === undefined || input.now < at) return { state: s, effects: wake(s, takeoverAfter) };
      const term = Math.max(s.term, s.highest?.term ?? 0) + 1;
      return {
        state: { ...s, role: 'promoting', term, termStart: input.now, termEnd: null },
        effects: [{ type: 'promote', term }],
      };
    }
    case 'promoted':
      return { state: s.role === 'promoting' ? { ...s, role: 'active' } : s, effects: [] };
    case 'failed': {
      if (s.role !== 'promoting') return { state: s, effects: [] };
      const next: RoleState = { ...s, role: 'standby', termEnd: input.now, notBefore: input.now + takeoverAfter };
      return { state: next, effects: wake(next, takeoverAfter) };
    }
    case 'partition_lost':
      if (!held) return { state: s, effects: [] };
      return { state: { ...s, role: 'demoting' }, effects: [{ type: 'demote', reason: 'lost' }] };
    case 'demoted': {
      if (s.role !== 'demoting') return { state: s, effects: [] };
      const next: RoleState = { ...s, role: 'standby', termEnd: input.now };
      return { state: next, effects: wake(next, takeoverAfter) };
    }
    case 'stop':
      return { state: { ...s, role: 'stopped' }, effects: held ? [{ type: 'demote', reason: 'stop' }] : [] };
  }
}

/** The higher of the claim seen so far and a new status; the same claim takes the newer word. */
function higher(h: Heard | null, st: Status | undefined, now: number): Heard | null {
  if (!st) return h;
  if (!h || compareClaims(st, h) >= 0) return { ...st, at: now };
  return h;
}

function wake(s: RoleState, takeoverAfter: number): RoleEffect[] {
  const at = takeoverAt(s, takeoverAfter);
  return at === undefined ? [] : [{ type: 'wake', at }];
}
