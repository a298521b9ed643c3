import { describe, expect, it } from 'vitest';
import { canonicalUnit, convert, isNamurFault, scaleLoopCurrent } from '../../src/domain/units.js';

const methane = { kind: 'gas' as const, lel: 4.4, molarMass: 16.04 };

describe('convert', () => {
  it.each([
    ['pressure', 1, 'MPa', 'kPa', 1000],
    ['pressure', 1, 'bar', 'kPa', 100],
    ['pressure', 14.5037738, 'psi', 'bar', 1],
    ['pressure', 250000, 'Pa', 'MPa', 0.25],
    ['temperature', 0, 'C', 'K', 273.15],
    ['temperature', 212, 'F', 'C', 100],
    ['level', 1500, 'mm', 'm', 1.5],
  ] as const)('%s %d %s → %s', (kind, v, from, to, want) => {
    const r = convert(v, from, to, { kind });
    expect(r.ok && r.value).toBeCloseTo(want, 6);
  });

  it('ppm ↔ %vol ↔ %LEL with the gas LEL (SPEC: %LEL = ppm / 10000 / LEL × 100)', () => {
    const r = convert(23100, 'ppm', '%LEL', methane);
    expect(r.ok && r.value).toBeCloseTo(52.5, 9);
    const back = convert(40, '%LEL', 'ppm', methane);
    expect(back.ok && back.value).toBeCloseTo(17600, 9);
    const vol = convert(1.76, '%vol', '%LEL', methane);
    expect(vol.ok && vol.value).toBeCloseTo(40, 9);
  });

  it('mg/m3 needs the molar mass', () => {
    const r = convert(100, 'ppm', 'mg/m3', methane);
    expect(r.ok && r.value).toBeCloseTo((100 * 16.04) / 24.45, 9);
    expect(convert(100, 'ppm', 'mg/m3', { kind: 'gas' }).ok).toBe(false);
  });

  it('refuses what cannot be converted', () => {
    expect(convert(1, 'MPa', 'ppm', methane)).toMatchObject({ ok: false });
    expect(convert(1, 'furlongs', 'ppm', methane)).toMatchObject({ ok: false, reason: 'unknown unit "furlongs"' });
    expect(convert(50, '%', 'm', { kind: 'level' }).ok).toBe(false);
    expect(convert(10, '%LEL', 'ppm', { kind: 'gas' }).ok).toBe(false);
  });

  it('knows unit spellings operators use', () => {
    expect(canonicalUnit('mpa')).toBe('MPa');
    expect(canonicalUnit('%lel')).toBe('%LEL');
    expect(canonicalUnit('°C')).toBe('C');
    expect(canonicalUnit('nope')).toBeUndefined();
  });
});

describe('4–20 mA loops (NAMUR NE43)', () => {
  it('scales and flags out-of-band currents', () => {
    expect(scaleLoopCurrent(4, [0, 100])).toBe(0);
    expect(scaleLoopCurrent(12, [0, 100])).toBe(50);
    expect(scaleLoopCurrent(20, [0, 25])).toBe(25);
    expect(isNamurFault(3.59)).toBe(true);
    expect(isNamurFault(3.6)).toBe(false);
    expect(isNamurFault(21)).toBe(false);
    expect(isNamurFault(21.01)).toBe(true);
    expect(isNamurFault(Number.NaN)).toBe(true);
  });
});
