import { describe, expect, it } from 'vitest';
import { allSensors, FACILITY, generate, ppmAtLel, type SensorSpec } from '../src/index.js';
import { bySensor, START, series } from './helpers.js';

const EXPECTED: Record<string, Record<string, [kind: string, asset: string, unit: string]>> = {
  'zjk-depot': {
    'PT-101': ['pressure', 'cng-tank-1', 'MPa'],
    'PT-102': ['pressure', 'cng-tank-2', 'MPa'],
    'PT-103': ['pressure', 'lng-tank-1', 'MPa'],
    'TT-101': ['temperature', 'ambient', 'C'],
    'GD-11': ['gas', 'compressor-1', 'ppm'],
    'GD-12': ['gas', 'compressor-2', 'ppm'],
    'GD-13': ['gas', 'valve-manifold', 'ppm'],
    'GD-14': ['gas', 'cng-tank-1', 'ppm'],
    'GD-15': ['gas', 'gas-holder', 'ppm'],
    'GD-16': ['gas', 'fence-east', 'ppm'],
  },
  'hx-station': {
    'PT-201': ['pressure', 'lpg-tank', 'MPa'],
    'LT-201': ['level', 'lpg-tank', '%'],
    'GD-21': ['gas', 'dispenser-1', 'ppm'],
    'GD-22': ['gas', 'dispenser-2', 'ppm'],
    'GD-23': ['gas', 'lpg-tank-pit', 'ppm'],
    'GD-24': ['gas', 'cng-dispenser', 'ppm'],
    'GD-25': ['gas', 'fence-homes', '%LEL'],
  },
};

describe('facility layout', () => {
  it('declares exactly the sites, sensors, kinds, assets and units the gaswatch config uses', () => {
    const actual = Object.fromEntries(
      FACILITY.map((s) => [s.id, Object.fromEntries(s.sensors.map((x) => [x.id, [x.kind, x.asset, x.unit]]))]),
    );
    expect(actual).toEqual(EXPECTED);
    const gas = (id: string) => allSensors(FACILITY).find((s) => s.id === id)?.gas;
    expect(['GD-11', 'GD-12', 'GD-13', 'GD-14', 'GD-15', 'GD-16', 'GD-24'].map(gas)).toEqual(Array(7).fill('methane'));
    expect(['GD-21', 'GD-22', 'GD-23', 'GD-25'].map(gas)).toEqual(Array(4).fill('propane'));
  });

  it('gives every sensor a position and the publish interval of its kind', () => {
    const interval: Record<SensorSpec['kind'], number> = {
      gas: 2000,
      pressure: 5000,
      level: 10_000,
      temperature: 10_000,
    };
    for (const s of allSensors(FACILITY)) {
      expect(Number.isFinite(s.position.x) && Number.isFinite(s.position.y), s.id).toBe(true);
      expect(s.intervalMs, s.id).toBe(interval[s.kind]);
    }
    const positions = allSensors(FACILITY).map((s) => `${s.site}:${s.position.x},${s.position.y}`);
    expect(new Set(positions).size).toBe(positions.length);
  });
});

describe('normal', () => {
  const messages = [...generate({ scenario: 'normal', seed: 11, startTime: START, duration: '10m' })];
  const sensors = bySensor(messages);

  it('publishes every sensor at its interval, on gas/{site}/{sensor}, in the SPEC §1 payload', () => {
    expect([...sensors.keys()].sort()).toEqual(
      allSensors(FACILITY)
        .map((s) => `${s.site}/${s.id}`)
        .sort(),
    );
    for (const spec of allSensors(FACILITY)) {
      const list = sensors.get(`${spec.site}/${spec.id}`)!;
      expect(list.length, spec.id).toBe(600_000 / spec.intervalMs);
      for (const [i, m] of list.entries()) {
        expect(m.topic).toBe(`gas/${spec.site}/${spec.id}`);
        const body = JSON.parse(m.payload);
        expect(Object.keys(body)).toEqual(['value', 'ts', 'unit', 'status']);
        expect(body).toEqual({ value: m.readings[0]!.value, ts: m.at, unit: spec.wireUnit, status: 'ok' });
        if (i > 0) expect(m.at - list[i - 1]!.at).toBe(spec.intervalMs);
      }
    }
    for (let i = 1; i < messages.length; i++) expect(messages[i]!.at).toBeGreaterThanOrEqual(messages[i - 1]!.at);
  });

  it('keeps detectors at a noisy, drifting background of a few ppm, far below any alarm', () => {
    for (const spec of allSensors(FACILITY).filter((s) => s.kind === 'gas')) {
      const ppm = series(messages, `${spec.site}/${spec.id}`).map((p) =>
        p.unit === '%LEL' ? ppmAtLel(spec.gas!, p.value) : p.value,
      );
      const mean = ppm.reduce((a, b) => a + b, 0) / ppm.length;
      expect(mean, spec.id).toBeGreaterThan(0.5);
      expect(mean, spec.id).toBeLessThan(20);
      expect(Math.max(...ppm), spec.id).toBeLessThan(ppmAtLel(spec.gas!, 5));
      expect(new Set(ppm).size, `${spec.id} should be noisy`).toBeGreaterThan(8);
    }
  });

  it('publishes GD-25 in %LEL, as its head reports, and the other detectors in ppm', () => {
    const gd25 = series(messages, 'hx-station/GD-25');
    expect(gd25.every((p) => p.unit === '%LEL' && p.value < 1)).toBe(true);
    expect(series(messages, 'hx-station/GD-21').every((p) => p.unit === 'ppm')).toBe(true);
  });

  it('keeps pressures, level and temperature in their plausible bands', () => {
    const band = (key: string, lo: number, hi: number) => {
      const v = series(messages, key).map((p) => p.value);
      expect(Math.min(...v), key).toBeGreaterThanOrEqual(lo);
      expect(Math.max(...v), key).toBeLessThanOrEqual(hi);
    };
    band('zjk-depot/PT-101', 15, 24);
    band('zjk-depot/PT-102', 15, 24);
    band('zjk-depot/PT-103', 0.38, 0.52);
    band('zjk-depot/TT-101', -15, 15);
    band('hx-station/PT-201', 0.6, 0.9);
    band('hx-station/LT-201', 5, 95);
  });
});

describe('normal over three days (one reading every two minutes)', () => {
  const messages = [...generate({ scenario: 'normal', seed: 5, startTime: START, duration: '3d', rate: 1 / 120 })];
  const hourOf = (t: number) => new Date(START + t + 8 * 3_600_000).getUTCHours();

  it('swings the ambient temperature daily, warmest in the afternoon', () => {
    const temp = series(messages, 'zjk-depot/TT-101');
    for (let day = 0; day < 3; day++) {
      const today = temp.filter((p) => p.t >= day * 86_400_000 && p.t < (day + 1) * 86_400_000);
      const values = today.map((p) => p.value);
      expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(8);
      const warmest = today.find((p) => p.value === Math.max(...values))!;
      expect(hourOf(warmest.t)).toBeGreaterThanOrEqual(11);
      expect(hourOf(warmest.t)).toBeLessThanOrEqual(19);
    }
  });

  it('fills and draws down the CNG tanks in cycles, never faster than 1 MPa/min', () => {
    for (const key of ['zjk-depot/PT-101', 'zjk-depot/PT-102']) {
      const p = series(messages, key);
      const values = p.map((x) => x.value);
      expect(Math.max(...values) - Math.min(...values), key).toBeGreaterThan(3);
      // Count fill strokes: a rise of 3 MPa from a trough.
      let fills = 0;
      let trough = values[0]!;
      for (const v of values) {
        trough = Math.min(trough, v);
        if (v - trough > 3) {
          fills++;
          trough = v;
        }
      }
      expect(fills, key).toBeGreaterThanOrEqual(10);
      for (let i = 1; i < p.length; i++) expect(p[i - 1]!.value - p[i]!.value).toBeLessThan(2);
    }
  });

  it('sells LPG from the tank until a tanker refills it', () => {
    const level = series(messages, 'hx-station/LT-201');
    let refill = false;
    for (let i = 1; i < level.length; i++) {
      const step = level[i]!.value - level[i - 1]!.value;
      if (step > 2) refill = true;
    }
    expect(refill).toBe(true);
    expect(Math.min(...level.map((p) => p.value))).toBeLessThan(25);
    const pressure = series(messages, 'hx-station/PT-201').map((p) => p.value);
    expect(Math.min(...pressure)).toBeGreaterThanOrEqual(0.55);
    expect(Math.max(...pressure)).toBeLessThanOrEqual(0.95);
  });
});
