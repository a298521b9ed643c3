/** Evaluation of one sensor on its own: readings and time in, condition updates out (no book, no clock). */
import { describe, expect, it } from 'vitest';
import type { SensorDef } from '../../src/domain/sensor.js';
import type { Reading } from '../../src/domain/types.js';
import {
  type ConditionUpdate,
  evaluateReading,
  newSensorState,
  seedState,
  tickSensor,
} from '../../src/evaluate/sensor.js';
import { DEPOT, GAS_PROFILES, sitesFrom } from '../helpers/engine.js';

const T0 = Date.parse('2026-11-28T08:00:00Z');

function defs(overrides: Record<string, unknown> = {}) {
  const site = { ...DEPOT, sensors: DEPOT.sensors.map((s) => ({ ...s, ...(overrides[s.id] as object) })) };
  const sites = sitesFrom(GAS_PROFILES, [site]);
  const s = sites.get('zjk-depot');
  return { gas: s?.sensors.get('GD-12') as SensorDef, pressure: s?.sensors.get('PT-101') as SensorDef };
}

function reading(def: SensorDef, value: number, ts: number, extra: Partial<Reading> = {}): Reading {
  return { site: def.site, sensor: def.id, value, ts, unit: def.unit, status: 'ok', configured: true, ...extra };
}

/** "condition:active" for each update, as a compact picture. */
const show = (us: readonly ConditionUpdate[]) => us.map((u) => `${u.condition}:${u.active ? 'on' : 'off'}`);
const ppm = (lel: number) => (lel / 100) * 4.4 * 10_000;

describe('evaluateReading', () => {
  it('reports fault, stale and every level setpoint of a valid reading', () => {
    const { gas } = defs();
    const s = newSensorState(gas, T0, 60_000);
    expect(show(evaluateReading(s, gas, reading(gas, ppm(10), T0), T0))).toEqual([
      'fault:off',
      'stale:off',
      'hi:off',
      'hihi:off',
    ]);
    const up = evaluateReading(s, gas, reading(gas, ppm(45), T0 + 1000), T0 + 1000);
    expect(show(up)).toEqual(['fault:off', 'stale:off', 'hi:on', 'hihi:on']);
    const hihi = up.find((u) => u.condition === 'hihi');
    expect(hihi).toMatchObject({ kind: 'level', setpoint: { priority: 'critical', latch: true } });
  });

  it('holds the levels on a fault reading and does not count it as life', () => {
    const { gas } = defs();
    const s = newSensorState(gas, T0, 0);
    evaluateReading(s, gas, reading(gas, ppm(45), T0), T0);
    const at = T0 + 5000;
    expect(show(evaluateReading(s, gas, reading(gas, Number.NaN, at), at))).toEqual(['fault:on']);
    expect(s.levels?.hihi?.active).toBe(true);
    expect(s.lastValidAt).toBe(T0);
  });

  it('evaluates nothing but life for maintenance and calibrating readings', () => {
    const { gas } = defs();
    const s = newSensorState(gas, T0, 0);
    expect(show(evaluateReading(s, gas, reading(gas, ppm(90), T0, { status: 'calibrating' }), T0))).toEqual([
      'stale:off',
    ]);
    expect(s.lastValidAt).toBe(T0);
  });

  it('lets an onDelay run on the daemon clock and completes it on a tick', () => {
    const { gas } = defs({ 'GD-12': { setpoints: { hi: { onDelay: '5s' } } } });
    const s = newSensorState(gas, T0, 60_000);
    expect(show(evaluateReading(s, gas, reading(gas, ppm(25), T0), T0))).toContain('hi:off');
    expect(show(tickSensor(s, gas, T0 + 4000))).toEqual([]);
    expect(show(tickSensor(s, gas, T0 + 5000))).toEqual(['hi:on']);
    // Reported once: the next tick has nothing to say.
    expect(show(tickSensor(s, gas, T0 + 5500))).toEqual([]);
  });

  it('raises from a late reading only what needs no delay, and never clears', () => {
    const { gas } = defs();
    const s = newSensorState(gas, T0, 60_000);
    evaluateReading(s, gas, reading(gas, ppm(5), T0), T0);
    expect(show(evaluateReading(s, gas, reading(gas, ppm(25), T0 - 60_000), T0 + 1))).toEqual(['hi:on']);
    evaluateReading(s, gas, reading(gas, ppm(45), T0 + 2), T0 + 2);
    expect(evaluateReading(s, gas, reading(gas, ppm(1), T0 - 30_000), T0 + 3)).toEqual([]);
    expect(s.lastValue).toBe(ppm(45));
  });

  it('reports roc on the readings’ own timestamps', () => {
    const { pressure } = defs();
    const s = newSensorState(pressure, T0, 60_000);
    evaluateReading(s, pressure, reading(pressure, 20, T0), T0);
    const up = evaluateReading(s, pressure, reading(pressure, 18.5, T0 + 30_000), T0 + 1);
    expect(up.find((u) => u.condition === 'roc')).toMatchObject({ active: true, change: -1.5 });
  });
});

describe('tickSensor and stale', () => {
  it('reports a sensor never heard from as stale after the start-up grace, once', () => {
    const { gas } = defs();
    const s = newSensorState(gas, T0, 60_000);
    expect(tickSensor(s, gas, T0 + 59_999)).toEqual([]);
    const up = tickSensor(s, gas, T0 + 60_000);
    expect(up).toEqual([{ kind: 'stale', condition: 'stale', active: true, silentFor: null, lastValue: null }]);
    expect(tickSensor(s, gas, T0 + 61_000)).toEqual([]);
    expect(show(evaluateReading(s, gas, reading(gas, 10, T0 + 62_000), T0 + 62_000))).toContain('stale:off');
  });

  it('uses staleAfter (3 × interval) for a sensor heard from', () => {
    const { gas } = defs();
    const s = newSensorState(gas, T0, 0);
    evaluateReading(s, gas, reading(gas, 10, T0), T0);
    expect(tickSensor(s, gas, T0 + 5999)).toEqual([]);
    expect(tickSensor(s, gas, T0 + 6000)).toMatchObject([{ condition: 'stale', active: true, silentFor: 6000 }]);
  });

  it('starts from what the book knows after a restart', () => {
    const { gas } = defs();
    const s = newSensorState(gas, T0, 0);
    seedState(s, gas, (c) => c === 'hi' || c === 'stale');
    expect(s.levels?.hi?.active).toBe(true);
    expect(tickSensor(s, gas, T0 + 10_000)).toEqual([]); // already stale: not raised again
    expect(show(evaluateReading(s, gas, reading(gas, ppm(1), T0 + 10_000), T0 + 10_000))).toEqual([
      'fault:off',
      'stale:off',
      'hi:off',
      'hihi:off',
    ]);
  });
});
