/**
 * The ISA-18.2 alarm state machine (SPEC §3). Pure: (state, input) → (state, transition).
 *
 * `cond` is the process condition after deadband and delays; `latch` keeps an alarm annunciated
 * after the condition returns until an operator acknowledges it (GB/T 50493 practice for the
 * second-level combustible-gas alarm).
 *
 *  state            | input                     | next             | event
 *  -----------------|---------------------------|------------------|---------
 *  normal           | cond on                   | active_unacked   | raised
 *  normal           | cond off / ack            | normal           | — (ack refused)
 *  active_unacked   | cond off, not latched     | cleared_unacked  | cleared
 *  active_unacked   | cond off, latched         | active_unacked   | — (held by the latch)
 *  active_unacked   | ack, cond on              | active_acked     | acked
 *  active_unacked   | ack, cond off (latched)   | normal           | acked
 *  active_acked     | cond off                  | normal           | cleared
 *  active_acked     | cond on / ack             | active_acked     | — (ack refused)
 *  cleared_unacked  | cond on                   | active_unacked   | raised
 *  cleared_unacked  | cond off                  | cleared_unacked  | —
 *  cleared_unacked  | ack                       | normal           | acked
 */
import type { AlarmState } from '../domain/types.js';

export type MachineInput = { type: 'condition'; active: boolean; latch: boolean } | { type: 'ack' };

export type MachineTransition = 'raised' | 'cleared' | 'acked' | null;

export interface MachineState {
  state: AlarmState;
  /** The process condition as last reported. */
  cond: boolean;
}

export interface MachineStep {
  next: MachineState;
  transition: MachineTransition;
  /** For ack: false when the ack was refused (nothing to acknowledge). */
  accepted: boolean;
}

export function step(s: MachineState, input: MachineInput): MachineStep {
  if (input.type === 'ack') {
    switch (s.state) {
      case 'active_unacked':
        return {
          next: { state: s.cond ? 'active_acked' : 'normal', cond: s.cond },
          transition: 'acked',
          accepted: true,
        };
      case 'cleared_unacked':
        return { next: { state: 'normal', cond: s.cond }, transition: 'acked', accepted: true };
      default:
        return { next: s, transition: null, accepted: false };
    }
  }
  const cond = input.active;
  switch (s.state) {
    case 'normal':
      return cond
        ? { next: { state: 'active_unacked', cond }, transition: 'raised', accepted: true }
        : { next: { state: 'normal', cond }, transition: null, accepted: true };
    case 'active_unacked':
      if (cond || input.latch) return { next: { state: 'active_unacked', cond }, transition: null, accepted: true };
      return { next: { state: 'cleared_unacked', cond }, transition: 'cleared', accepted: true };
    case 'active_acked':
      return cond
        ? { next: { state: 'active_acked', cond }, transition: null, accepted: true }
        : { next: { state: 'normal', cond }, transition: 'cleared', accepted: true };
    case 'cleared_unacked':
      return cond
        ? { next: { state: 'active_unacked', cond }, transition: 'raised', accepted: true }
        : { next: { state: 'cleared_unacked', cond }, transition: null, accepted: true };
  }
}

/** States in which an alarm still needs the operator: every one but `normal`. */
export function isStanding(state: AlarmState): boolean {
  return state !== 'normal';
}
