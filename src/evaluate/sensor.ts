/**
 * Evaluation of one sensor (SPEC §2): a reading, or the passing of time, in; typed condition
 * updates out — for each condition of the sensor, whether it is active now and what to say about
 * it. Pure: no I/O, no clock (time comes in as `now`), no knowledge of alarm states. The state it
 * keeps between readings is a plain, serialisable value per sensor that the caller owns and that
 * these functions update in place (SPEC §10: per-sensor state keyed by sensor).
 *
 * Updates are level-triggered: every reading reports every condition it decides, not only changes,
 * so an alarm whose record was lost is raised again by the next reading that still shows it.
 *
 *  input                                  | updates
 *  ---------------------------------------|-------------------------------------------------------------
 *  reading, status maintenance/calibrating| stale: inactive (alive, but not evaluated)
 *  reading older than one evaluated       | level: active, only for setpoints it passes with no onDelay
 *  reading in fault                       | fault: active (levels hold; not a valid reading for stale)
 *  valid reading                          | fault, stale: inactive; each level setpoint; roc if defined
 *  tick                                   | levels whose delay has run out; stale once silent ≥ staleAfter
 */
import type { LevelSetpointDef, RocDef, SensorDef } from '../domain/sensor.js';
import type { FaultCause, LevelCondition, Reading } from '../domain/types.js';
import { faultReason } from './fault.js';
import { type DelayedCondition, INACTIVE, levelZone, stepDelayed } from './level.js';
import { evaluateRoc, pushSample, type RocSample } from './roc.js';

/** What one sensor's evaluation remembers between readings. */
export interface SensorState {
  /**
   * Level conditions that are active or have a delay running; absent means inactive. Created with
   * the first one: most sensors never need it (memory at 100k sensors).
   */
  levels: Partial<Record<LevelCondition, DelayedCondition>> | undefined;
  /** The roc window, oldest first (a new array on every change; the empty one is shared). */
  roc: readonly RocSample[];
  /** The newest value evaluated, for descriptions on ticks. */
  lastValue: number | null;
  /** Reading time of the newest reading evaluated: an older one is late. */
  lastTs: number | null;
  /** Daemon time of the last valid reading; for a sensor never heard from, the start of its grace. */
  lastValidAt: number;
  heard: boolean;
  /** What evaluation last reported for `stale`: the tick reports a newly silent sensor once. */
  stale: boolean;
}

/** One condition of a sensor as evaluation sees it now. */
export type ConditionUpdate =
  | { kind: 'level'; condition: LevelCondition; active: boolean; setpoint: LevelSetpointDef; value: number }
  | { kind: 'roc'; condition: 'roc'; active: boolean; roc: RocDef; value: number; change: number }
  | { kind: 'fault'; condition: 'fault'; active: boolean; value: number | null; reason: FaultCause }
  | { kind: 'stale'; condition: 'stale'; active: boolean; silentFor: number | null; lastValue: number | null };

/**
 * A sensor's state at start or when it first appears: it goes stale after `grace`, or after its
 * own `staleAfter` if that is longer.
 */
export function newSensorState(def: Pick<SensorDef, 'staleAfter'>, now: number, grace: number): SensorState {
  return {
    levels: undefined,
    roc: NO_SAMPLES,
    lastValue: null,
    lastTs: null,
    lastValidAt: now + grace - Math.min(grace, def.staleAfter),
    heard: false,
    stale: false,
  };
}

/**
 * Seed the state from what the alarm book knows after a restart (which conditions were active), so
 * that an active alarm is not raised again and is cleared by the first reading that says so.
 */
export function seedState(state: SensorState, def: SensorDef, active: (condition: string) => boolean): void {
  for (const sp of def.setpoints)
    if (!state.levels?.[sp.condition] && active(sp.condition))
      setLevel(state, sp.condition, { active: true, onSince: null, offSince: null });
  if (active('stale')) state.stale = true;
}

/** Forget what a changed definition makes meaningless: setpoints gone, a roc window in the old unit. */
export function adaptState(state: SensorState, before: SensorDef | undefined, def: SensorDef): void {
  if (before && before.unit !== def.unit) state.roc = NO_SAMPLES;
  for (const c of Object.keys(state.levels ?? {}) as LevelCondition[])
    if (!def.setpoints.some((s) => s.condition === c)) setLevel(state, c, INACTIVE);
  if (!def.roc) state.roc = NO_SAMPLES;
}

/** Evaluate one reading (value in the sensor's unit) at daemon time `now`. */
export function evaluateReading(state: SensorState, def: SensorDef, r: Reading, now: number): ConditionUpdate[] {
  if (state.lastTs !== null && r.ts < state.lastTs) return lateReading(state, def, r);
  state.lastValue = r.value;
  state.lastTs = r.ts;
  state.heard = true;
  if (r.status === 'maintenance' || r.status === 'calibrating') {
    // Stored but not evaluated (SPEC §2). The sensor is alive, though: it is not stale.
    state.lastValidAt = now;
    state.stale = false;
    return [{ kind: 'stale', condition: 'stale', active: false, silentFor: null, lastValue: r.value }];
  }
  const fault = faultReason(def, r);
  if (fault !== null) {
    // A reading in fault holds the level alarms (SPEC §2) and is not a valid reading for `stale`.
    return [{ kind: 'fault', condition: 'fault', active: true, value: finite(r.value), reason: fault }];
  }
  state.lastValidAt = now;
  state.stale = false;
  const out: ConditionUpdate[] = [
    { kind: 'fault', condition: 'fault', active: false, value: r.value, reason: { code: 'recovered' } },
    { kind: 'stale', condition: 'stale', active: false, silentFor: null, lastValue: r.value },
  ];
  for (const sp of def.setpoints) {
    const prev = state.levels?.[sp.condition] ?? INACTIVE;
    const next = stepDelayed(prev, levelZone(sp, r.value), sp.onDelay, sp.offDelay, now);
    setLevel(state, sp.condition, next);
    out.push({ kind: 'level', condition: sp.condition, active: next.active, setpoint: sp, value: r.value });
  }
  if (def.roc) {
    state.roc = pushSample(state.roc, { ts: r.ts, value: r.value }, def.roc.per);
    const res = evaluateRoc(def.roc, state.roc);
    out.push({ kind: 'roc', condition: 'roc', active: res.active, roc: def.roc, value: r.value, change: res.change });
  }
  return out;
}

/**
 * The common case, decided without building updates: a valid reading, in order, past no setpoint,
 * with no level active or delayed, no rate of change and nothing stale — evaluation would report
 * every condition of the sensor inactive. Then this updates the state exactly as `evaluateReading`
 * would and returns true; otherwise it changes nothing and returns false (call `evaluateReading`).
 * The caller skips the alarm book altogether when it holds nothing of the sensor.
 */
export function evaluateQuietly(state: SensorState, def: SensorDef, r: Reading, now: number): boolean {
  if (state.stale || r.status !== 'ok' || (state.lastTs !== null && r.ts < state.lastTs)) return false;
  if (faultReason(def, r) !== null) return false;
  for (const sp of def.setpoints) {
    const level = state.levels?.[sp.condition];
    if (level && (level.active || level.onSince !== null || level.offSince !== null)) return false;
    if (levelZone(sp, r.value) === 'past') return false;
  }
  let roc = state.roc;
  if (def.roc) {
    roc = pushSample(state.roc, { ts: r.ts, value: r.value }, def.roc.per);
    if (evaluateRoc(def.roc, roc).active) return false;
  }
  state.roc = roc;
  state.lastValue = r.value;
  state.lastTs = r.ts;
  state.heard = true;
  state.lastValidAt = now;
  return true;
}

/**
 * A reading older than one already evaluated: a gateway replaying its buffer, a redelivery, or a
 * sensor whose clock went back. It must not clear anything (an old low value would clear a standing
 * alarm), but it may raise a level alarm that needs no delay: better an alarm from old data than a
 * leak missed because a clock was reset. It is no sign of life either: a sensor that only sends
 * readings from the past goes stale, which shows the operator something is wrong with it.
 */
function lateReading(state: SensorState, def: SensorDef, r: Reading): ConditionUpdate[] {
  if (r.status !== 'ok' || faultReason(def, r) !== null) return [];
  const out: ConditionUpdate[] = [];
  for (const sp of def.setpoints) {
    if (sp.onDelay > 0 || levelZone(sp, r.value) !== 'past' || state.levels?.[sp.condition]?.active) continue;
    setLevel(state, sp.condition, { active: true, onSince: null, offSince: null });
    out.push({ kind: 'level', condition: sp.condition, active: true, setpoint: sp, value: r.value });
  }
  return out;
}

/**
 * The passing of time at daemon time `now`: level delays that ran out (only while one is running),
 * and `stale` once the sensor has been silent for its `staleAfter` (reported once, when it starts).
 */
export function tickSensor(state: SensorState, def: SensorDef, now: number): readonly ConditionUpdate[] {
  // Called for every sensor every second: allocate only when something happens.
  let out: ConditionUpdate[] | undefined;
  if (state.lastValue !== null)
    for (const sp of def.setpoints) {
      const prev = state.levels?.[sp.condition];
      if (!prev || (prev.onSince === null && prev.offSince === null)) continue;
      const next = stepDelayed(prev, null, sp.onDelay, sp.offDelay, now);
      if (next === prev) continue;
      setLevel(state, sp.condition, next);
      out ??= [];
      out.push({
        kind: 'level',
        condition: sp.condition,
        active: next.active,
        setpoint: sp,
        value: state.lastValue,
      });
    }
  const silent = now - state.lastValidAt;
  if (!state.stale && silent >= def.staleAfter) {
    state.stale = true;
    out ??= [];
    out.push({
      kind: 'stale',
      condition: 'stale',
      active: true,
      silentFor: state.heard ? silent : null,
      lastValue: state.lastValue,
    });
  }
  return out ?? NONE;
}

const NONE: readonly ConditionUpdate[] = Object.freeze([]);
/** The roc window of a sensor with none: shared, never mutated (pushSample returns a new array). */
const NO_SAMPLES: readonly RocSample[] = Object.freeze([]);

function setLevel(state: SensorState, c: LevelCondition, next: DelayedCondition): void {
  // Absent and inactive are the same; most sensors keep nothing here.
  const keep = next.active || next.onSince !== null || next.offSince !== null;
  if (keep) {
    state.levels ??= {};
    state.levels[c] = next;
  } else if (state.levels?.[c]) state.levels[c] = undefined;
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
