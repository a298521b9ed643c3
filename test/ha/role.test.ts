/**
 * The role machine of a hot-standby pair (src/ha/role.ts): one test per row of its table, and the
 * takeover time of a standby for each kind of claim it has seen.
 */
import { describe, expect, it } from 'vitest';
import { initialRole, type RoleState, stepRole, takeoverAt } from '../../src/ha/role.js';
import { compareClaims, offlineStatus, onlineStatus, parseStatus, type Status } from '../../src/ha/status.js';

const T = 10_000;
const online = (node: string, term: number): Status => ({ node, term, online: true, handover: false });
const offline = (node: string, term: number, handover = false): Status => ({ node, term, online: false, handover });

/** Node `a` watching since t=0, with whatever it has seen. */
function standby(over: Partial<RoleState> = {}): RoleState {
  return { ...initialRole('a', 3), watching: true, syncedAt: 0, ...over };
}
function active(term = 4): RoleState {
  return standby({ role: 'active', term, highest: { ...online('a', term), at: 0 }, termStart: 0 });
}

describe('status', () => {
  it('orders claims by term, then by node name', () => {
    expect(compareClaims({ term: 5, node: 'b' }, { term: 4, node: 'a' })).toBeGreaterThan(0);
    expect(compareClaims({ term: 4, node: 'a' }, { term: 4, node: 'b' })).toBeGreaterThan(0);
    expect(compareClaims({ term: 4, node: 'a' }, { term: 4, node: 'a' })).toBe(0);
  });

  it('reads what it writes, a status without a term as term 0, and nothing from garbage', () => {
    expect(parseStatus(onlineStatus({ term: 7, node: 'a' }, 'x', '1'))).toEqual(online('a', 7));
    expect(parseStatus(offlineStatus({ term: 7, node: 'a' }, true))).toEqual(offline('a', 7, true));
    expect(parseStatus('{"state":"online","since":"x"}')).toEqual(online('', 0));
    for (const bad of ['', 'null', '{"state":"maybe"}', 'not json']) expect(parseStatus(bad)).toBeUndefined();
  });
});

describe('role machine (a row of the table each)', () => {
  it('standby | synced / status: the highest claim and the wait update', () => {
    const { state, effects } = stepRole(
      standby({ watching: false, syncedAt: null }),
      { type: 'synced', status: online('b', 4), now: 100 },
      T,
    );
    expect(state).toMatchObject({
      role: 'standby',
      watching: true,
      syncedAt: 100,
      highest: { node: 'b', term: 4, at: 100 },
    });
    expect(effects).toEqual([{ type: 'wake', at: 100 + T }]);
    // A heartbeat of the same claim renews the lease; a lower claim changes nothing.
    const renewed = stepRole(state, { type: 'status', status: online('b', 4), now: 3000 }, T);
    expect(renewed.effects).toEqual([{ type: 'wake', at: 3000 + T }]);
    const lower = stepRole(renewed.state, { type: 'status', status: online('a', 2), now: 4000 }, T);
    expect(lower.state.highest).toMatchObject({ node: 'b', term: 4, at: 3000 });
  });

  it('standby | tick, takeover time reached: promoting with a term above every term seen', () => {
    const s = standby({ highest: { ...offline('b', 7), at: 0 } });
    const { state, effects } = stepRole(s, { type: 'tick', now: T }, T);
    expect(state).toMatchObject({ role: 'promoting', term: 8, termStart: T });
    expect(effects).toEqual([{ type: 'promote', term: 8 }]);
    // Its own last term counts too (kept in ha.json when the broker lost the status).
    expect(stepRole(standby({ term: 12 }), { type: 'tick', now: T }, T).effects).toEqual([
      { type: 'promote', term: 13 },
    ]);
  });

  it('standby | tick, otherwise: stays, and wakes at the takeover time', () => {
    const s = standby({ highest: { ...online('b', 7), at: 500 } });
    expect(stepRole(s, { type: 'tick', now: 600 }, T)).toEqual({ state: s, effects: [{ type: 'wake', at: 500 + T }] });
    const blind = standby({ watching: false });
    expect(stepRole(blind, { type: 'tick', now: 10 * T }, T)).toEqual({ state: blind, effects: [] });
  });

  it('promoting | promoted: active', () => {
    const s = standby({ role: 'promoting', term: 4 });
    expect(stepRole(s, { type: 'promoted', now: 1 }, T)).toEqual({ state: { ...s, role: 'active' }, effects: [] });
  });

  it('promoting | failed: standby, and no new try before takeoverAfter', () => {
    const s = standby({ role: 'promoting', term: 4, highest: { ...offline('b', 3), at: 0 } });
    const { state, effects } = stepRole(s, { type: 'failed', now: 2000 }, T);
    expect(state).toMatchObject({ role: 'standby', notBefore: 2000 + T });
    expect(effects).toEqual([{ type: 'wake', at: 2000 + T }]);
  });

  it('promoting, active | a claim higher than ours: demoting (deposed)', () => {
    for (const s of [active(4), standby({ role: 'promoting', term: 4 })]) {
      const { state, effects } = stepRole(s, { type: 'status', status: online('b', 5), now: 1 }, T);
      expect(state.role).toBe('demoting');
      expect(effects).toEqual([{ type: 'demote', reason: 'deposed' }]);
    }
    // The same term from a node that sorts first wins too; after a reconnect the retained status counts.
    expect(
      stepRole(standby({ ...active(4), node: 'b' }), { type: 'synced', status: online('a', 4), now: 1 }, T).effects,
    ).toEqual([{ type: 'demote', reason: 'deposed' }]);
  });

  it('active | our claim, offline (our Last Will): demoting (lost)', () => {
    const { state, effects } = stepRole(active(4), { type: 'status', status: offline('a', 4), now: 1 }, T);
    expect(state.role).toBe('demoting');
    expect(effects).toEqual([{ type: 'demote', reason: 'lost' }]);
  });

  it('active | a lower claim, or no status at all: assert ours', () => {
    expect(stepRole(active(4), { type: 'status', status: offline('b', 3), now: 1 }, T).effects).toEqual([
      { type: 'assert' },
    ]);
    expect(stepRole(active(4), { type: 'synced', status: undefined, now: 1 }, T).effects).toEqual([{ type: 'assert' }]);
    // Our own heartbeat: nothing to do.
    expect(stepRole(active(4), { type: 'status', status: online('a', 4), now: 1 }, T).effects).toEqual([]);
  });

  it('promoting, active | partition_lost: demoting (lost)', () => {
    for (const s of [active(4), standby({ role: 'promoting', term: 4 })])
      expect(stepRole(s, { type: 'partition_lost', now: 1 }, T)).toMatchObject({
        state: { role: 'demoting' },
        effects: [{ type: 'demote', reason: 'lost' }],
      });
    expect(stepRole(standby(), { type: 'partition_lost', now: 1 }, T).effects).toEqual([]);
  });

  it('demoting | demoted: standby, waking at the takeover time', () => {
    const s = standby({ role: 'demoting', term: 4, termStart: 0, highest: { ...online('b', 5), at: 100 } });
    const { state, effects } = stepRole(s, { type: 'demoted', now: 200 }, T);
    expect(state).toMatchObject({ role: 'standby', termEnd: 200 });
    expect(effects).toEqual([{ type: 'wake', at: 100 + T }]);
  });

  it('any | peer: whether another node stands by updates; a standby wakes at its takeover time', () => {
    const s = standby({ role: 'standby', term: 3, highest: { ...offline('a', 3), at: 0 }, termStart: 0, termEnd: 100 });
    const { state, effects } = stepRole(s, { type: 'peer', standby: true }, T);
    expect(state.peerStandby).toBe(true);
    expect(effects).toEqual([{ type: 'wake', at: 100 + 2 * T }]);
    expect(stepRole(active(4), { type: 'peer', standby: false }, T).effects).toEqual([]);
  });

  it('any | watch_lost: not watching, so no takeover', () => {
    const { state, effects } = stepRole(standby(), { type: 'watch_lost' }, T);
    expect(state.watching).toBe(false);
    expect(effects).toEqual([]);
    expect(takeoverAt(state, T)).toBeUndefined();
  });

  it('promoting, active | stop: stopped, demote(stop); others | stop: stopped', () => {
    expect(stepRole(active(4), { type: 'stop' }, T)).toMatchObject({
      state: { role: 'stopped' },
      effects: [{ type: 'demote', reason: 'stop' }],
    });
    expect(stepRole(standby(), { type: 'stop' }, T)).toMatchObject({ state: { role: 'stopped' }, effects: [] });
    const stopped = stepRole(standby(), { type: 'stop' }, T).state;
    expect(stepRole(stopped, { type: 'tick', now: 10 * T }, T)).toEqual({ state: stopped, effects: [] });
  });
});

describe('takeover time of a standby', () => {
  it('no claim seen: takeoverAfter after it started watching', () => {
    expect(takeoverAt(standby({ syncedAt: 50 }), T)).toBe(50 + T);
  });

  it('its own claim: at once — but a node that lost a short term waits 2 × takeoverAfter when another stands by', () => {
    expect(takeoverAt(standby({ highest: { ...offline('a', 3), at: 5 } }), T)).toBe(Number.NEGATIVE_INFINITY);
    const short = standby({ highest: { ...online('a', 3), at: 5 }, termStart: 0, termEnd: 1000, peerStandby: true });
    expect(takeoverAt(short, T)).toBe(1000 + 2 * T);
    // With nobody standing by there is nobody to leave it to.
    expect(takeoverAt({ ...short, peerStandby: false }, T)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('another node online: when it was last heard + takeoverAfter (a lease)', () => {
    expect(takeoverAt(standby({ highest: { ...online('b', 4), at: 700 } }), T)).toBe(700 + T);
  });

  it('another node offline: its Last Will + takeoverAfter, or at once after a clean stop', () => {
    expect(takeoverAt(standby({ highest: { ...offline('b', 4), at: 700 } }), T)).toBe(700 + T);
    expect(takeoverAt(standby({ highest: { ...offline('b', 4, true), at: 700 } }), T)).toBe(700);
  });

  it('never before a failed takeover has waited', () => {
    expect(takeoverAt(standby({ highest: { ...offline('b', 4, true), at: 700 }, notBefore: 5000 }), T)).toBe(5000);
  });
});
