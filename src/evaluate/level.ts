/**
 * Level conditions (hihi, hi, lo, lolo) with deadband and on/off delays — SPEC §2. Pure.
 *
 *   hi/hihi: past  = value ≥ setpoint;            back = value < setpoint − deadband
 *   lo/lolo: past  = value ≤ setpoint;            back = value > setpoint + deadband
 *
 * Inside the deadband neither `past` nor `back` holds and the condition keeps its state, so noise
 * around a setpoint does not chatter. Delays run on the daemon's clock: `onSince` is when the value
 * was first seen past the setpoint, `offSince` when it was first seen back; the condition changes
 * once the value has stayed there for the delay (checked on each reading and on each tick).
 */
import type { LevelSetpointDef } from '../domain/sensor.js';

export interface DelayedCondition {
  active: boolean;
  /** Daemon time the value was first seen past the setpoint while inactive. */
  onSince: number | null;
  /** Daemon time the value was first seen back inside while active. */
  offSince: number | null;
}

export const INACTIVE: DelayedCondition = Object.freeze({ active: false, onSince: null, offSince: null });

export type LevelZone = 'past' | 'back' | 'deadband';

export function levelZone(sp: LevelSetpointDef, value: number): LevelZone {
  const high = sp.condition === 'hi' || sp.condition === 'hihi';
  if (high) {
    if (value >= sp.value) return 'past';
    return value < sp.value - sp.deadband ? 'back' : 'deadband';
  }
  if (value <= sp.value) return 'past';
  return value > sp.value + sp.deadband ? 'back' : 'deadband';
}

/**
 * Step a delayed condition given the zone of the latest value (or `null` on a tick with no new
 * reading, which only lets pending delays complete).
 */
export function stepDelayed(
  prev: DelayedCondition,
  zone: LevelZone | null,
  onDelay: number,
  offDelay: number,
  now: number,
): DelayedCondition {
  let { active, onSince, offSince } = prev;
  if (zone !== null) {
    if (!active) {
      offSince = null;
      if (zone === 'past') onSince ??= now;
      else onSince = null;
    } else {
      onSince = null;
      if (zone === 'back') offSince ??= now;
      else offSince = null;
    }
  }
  if (!active && onSince !== null && now - onSince >= onDelay) return { active: true, onSince: null, offSince: null };
  if (active && offSince !== null && now - offSince >= offDelay)
    return { active: false, onSince: null, offSince: null };
  if (active === prev.active && onSince === prev.onSince && offSince === prev.offSince) return prev;
  return { active, onSince, offSince };
}
