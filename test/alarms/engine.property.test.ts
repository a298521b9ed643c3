/**
 * Property test: random readings, time steps and operator commands, checking the invariants an
 * alarm system must never break.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlarmState } from '../../src/domain/types.js';
import { engineRig, GAS_PROFILES, sitesFrom } from '../helpers/engine.js';

const SITE = {
  id: 's',
  type: 'station',
  sensors: [
    { id: 'G1', kind: 'gas', gas: 'methane', unit: '%LEL', profile: 'combustible-gas', interval: '5s' },
    { id: 'G2', kind: 'gas', gas: 'propane', unit: '%LEL', profile: 'combustible-gas', interval: '5s' },
  ],
};

type Step =
  | { t: 'read'; sensor: 'G1' | 'G2'; value: number; status: 'ok' | 'fault' | 'maintenance' }
  | { t: 'advance'; ms: number }
  | { t: 'ack' | 'shelve' | 'unshelve'; sensor: 'G1' | 'G2'; condition: 'hi' | 'hihi' | 'fault' | 'stale' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('read' as const),
      sensor: fc.constantFrom('G1' as const, 'G2' as const),
      value: fc.oneof(fc.double({ min: -5, max: 110, noNaN: true }), fc.constantFrom(19, 20, 21, 39, 40, 41)),
      status: fc.constantFrom('ok' as const, 'ok' as const, 'ok' as const, 'fault' as const, 'maintenance' as const),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 90_000 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constantFrom('ack' as const, 'shelve' as const, 'unshelve' as const),
      sensor: fc.constantFrom('G1' as const, 'G2' as const),
      condition: fc.constantFrom('hi' as const, 'hihi' as const, 'fault' as const, 'stale' as const),
    }),
  },
);

// (state before, event) → allowed states after
const LEGAL: Record<string, AlarmState[]> = {
  'normal/raised': ['active_unacked'],
  'cleared_unacked/raised': ['active_unacked'],
  'active_unacked/cleared': ['cleared_unacked'],
  'active_acked/cleared': ['normal'],
  'active_unacked/acked': ['active_acked', 'normal'],
  'cleared_unacked/acked': ['normal'],
};
const FLAG_EVENTS = new Set(['shelved', 'unshelved', 'suppressed', 'unsuppressed', 'realarmed', 'chattering']);

describe('alarm engine invariants', () => {
  it('only legal transitions; nothing standing is dropped; cleared-unacked needs an ack; no missed alarm', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 120 }), (steps) => {
        const rig = engineRig(sitesFrom(GAS_PROFILES, [SITE]), { startupGrace: 20_000 });
        const state = new Map<string, AlarmState>();
        const lastOk = new Map<string, number>();
        for (const s of steps) {
          if (s.t === 'read') {
            rig.read('s', s.sensor, s.value, { status: s.status });
            if (s.status === 'ok') lastOk.set(s.sensor, s.value);
            else if (s.status === 'fault') lastOk.delete(s.sensor);
          } else if (s.t === 'advance') {
            rig.clock.advance(s.ms);
            rig.engine.tick();
          } else {
            const id = `s/${s.sensor}/${s.condition}`;
            if (s.t === 'ack') rig.engine.ack(id, 'op', null);
            else if (s.t === 'shelve') rig.engine.shelve(id, 'op', 1, 'test');
            else rig.engine.unshelve(id, 'op');
          }
        }
        for (const e of rig.events) {
          if (e.type === 'flood') continue; // a site event, not an alarm's lifecycle
          const before = state.get(e.alarm.id) ?? 'normal';
          const after = e.alarm.state;
          if (FLAG_EVENTS.has(e.type)) expect(after).toBe(before);
          else {
            const allowed = LEGAL[`${before}/${e.type}`];
            expect(allowed, `${e.alarm.id}: ${before} --${e.type}--> ${after}`).toBeDefined();
            expect(allowed).toContain(after);
          }
          state.set(e.alarm.id, after);
        }
        const listed = new Map(rig.engine.list().map((a) => [a.id, a.state]));
        for (const [id, st] of state) if (st !== 'normal') expect(listed.get(id), `${id} dropped`).toBe(st);
        for (const id of listed.keys()) expect(state.has(id), `${id} listed without an event`).toBe(true);
        // No missed alarm: the last ok, in-range reading at or above Hi leaves hi standing.
        for (const [sensor, v] of lastOk)
          if (v >= 20 && v <= 100) expect(listed.get(`s/${sensor}/hi`), `${sensor} at ${v}`).toMatch(/^active_/);
      }),
      { numRuns: 400 },
    );
  });
});
