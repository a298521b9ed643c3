/**
 * The `normal` scenario promises that nothing alarms. Checked against the shipped config/ (profiles and
 * the sensors that use them), so a changed setpoint or a changed model that breaks the promise shows here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allSensors, FACILITY, GAS_LEL, generate, type SimMessage } from '../src/index.js';
import { maxFallWithin, START, series } from './helpers.js';

interface Profile {
  unit: string;
  range?: [number, number];
  setpoints: Partial<Record<'hihi' | 'hi' | 'lo' | 'lolo', { value: number }>>;
  roc?: { fall?: number; rise?: number; per: string };
}

const configDir = new URL('../../config/', import.meta.url);
const profiles = parse(readFileSync(new URL('profiles.yaml', configDir), 'utf8')) as Record<string, Profile>;
const profileOf = new Map<string, Profile>();
for (const file of readdirSync(new URL('sites/', configDir)).filter((f) => f.endsWith('.yaml'))) {
  const site = parse(readFileSync(new URL(`sites/${file}`, configDir), 'utf8')) as {
    id: string;
    sensors: Array<{ id: string; profile: string; setpoints?: unknown }>;
  };
  for (const s of site.sensors) {
    // Per-sensor overrides would change the bands below; none ship today.
    expect(s.setpoints, `${site.id}/${s.id}`).toBeUndefined();
    profileOf.set(`${site.id}/${s.id}`, profiles[s.profile]!);
  }
}

/** Readings in the profile's unit: gas detectors' ppm become %LEL. */
function inProfileUnit(messages: SimMessage[], key: string, profile: Profile) {
  const spec = allSensors(FACILITY).find((s) => `${s.site}/${s.id}` === key)!;
  return series(messages, key).map((p) => {
    if (p.unit === profile.unit) return p;
    if (p.unit === 'ppm' && profile.unit === '%LEL') return { ...p, value: p.value / 100 / GAS_LEL[spec.gas!] };
    throw new Error(`${key}: cannot compare ${p.unit} with ${profile.unit}`);
  });
}

function expectQuiet(messages: SimMessage[], withRoc: boolean) {
  expect(profileOf.size).toBe(allSensors(FACILITY).length);
  for (const [key, profile] of profileOf) {
    const points = inProfileUnit(messages, key, profile);
    expect(points.length, key).toBeGreaterThan(10);
    const values = points.map((p) => p.value);
    const { hi, hihi, lo, lolo } = profile.setpoints;
    const top = Math.min(hi?.value ?? Infinity, hihi?.value ?? Infinity);
    const bottom = Math.max(lo?.value ?? -Infinity, lolo?.value ?? -Infinity);
    expect(Math.max(...values), `${key} below its lowest high setpoint`).toBeLessThan(top);
    expect(Math.min(...values), `${key} above its highest low setpoint`).toBeGreaterThan(bottom);
    if (profile.range) {
      expect(Math.min(...values), key).toBeGreaterThanOrEqual(profile.range[0]);
      expect(Math.max(...values), key).toBeLessThanOrEqual(profile.range[1]);
    }
    if (withRoc && profile.roc?.fall !== undefined) {
      expect(profile.roc.per).toBe('1m');
      expect(maxFallWithin(points, 60_000), `${key} roc`).toBeLessThan(profile.roc.fall);
    }
  }
}

describe('normal against the shipped setpoints', () => {
  it('raises no level, range or rate-of-change alarm in an hour at full rate', () => {
    expectQuiet([...generate({ scenario: 'normal', seed: 17, startTime: START, duration: '1h' })], true);
  });

  it('raises no level alarm over a week sampled every five minutes (tank cycles, tankers, days and nights)', () => {
    expectQuiet(
      [...generate({ scenario: 'normal', seed: 18, startTime: START, duration: '7d', rate: 1 / 300 })],
      false,
    );
  });
});
