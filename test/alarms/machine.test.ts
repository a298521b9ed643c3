import { describe, expect, it } from 'vitest';
import { type MachineInput, step } from '../../src/alarms/machine.js';
import type { AlarmState } from '../../src/domain/types.js';

const on = (latch = false): MachineInput => ({ type: 'condition', active: true, latch });
const off = (latch = false): MachineInput => ({ type: 'condition', active: false, latch });
const ack: MachineInput = { type: 'ack' };

// Every row of the transition table in src/alarms/machine.ts.
const TABLE: [AlarmState, boolean, MachineInput, AlarmState, string | null, boolean][] = [
  ['normal', false, on(), 'active_unacked', 'raised', true],
  ['normal', false, off(), 'normal', null, true],
  ['normal', false, ack, 'normal', null, false],
  ['active_unacked', true, off(), 'cleared_unacked', 'cleared', true],
  ['active_unacked', true, off(true), 'active_unacked', null, true],
  ['active_unacked', true, on(), 'active_unacked', null, true],
  ['active_unacked', true, ack, 'active_acked', 'acked', true],
  ['active_unacked', false, ack, 'normal', 'acked', true],
  ['active_acked', true, off(), 'normal', 'cleared', true],
  ['active_acked', true, off(true), 'normal', 'cleared', true],
  ['active_acked', true, on(), 'active_acked', null, true],
  ['active_acked', true, ack, 'active_acked', null, false],
  ['cleared_unacked', false, on(), 'active_unacked', 'raised', true],
  ['cleared_unacked', false, off(), 'cleared_unacked', null, true],
  ['cleared_unacked', false, ack, 'normal', 'acked', true],
];

describe('ISA-18.2 state machine', () => {
  it.each(TABLE)('%s (cond %s) + %j → %s (%s)', (state, cond, input, next, transition, accepted) => {
    const res = step({ state, cond }, input);
    expect(res.next.state).toBe(next);
    expect(res.transition).toBe(transition);
    expect(res.accepted).toBe(accepted);
  });
});
