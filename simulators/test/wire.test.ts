import { describe, expect, it } from 'vitest';
import {
  encodeReading,
  fromPpm,
  GARBAGE_KINDS,
  type GarbageKind,
  garbageVariants,
  generate,
  PAYLOAD_LIMIT_BYTES,
  quantise,
  type SimMessage,
  toPpm,
} from '../src/index.js';
import { bySensor, START } from './helpers.js';

/** Units the daemon converts (SPEC §2); anything else must be rejected. */
const KNOWN_UNITS = new Set([
  'Pa',
  'kPa',
  'MPa',
  'bar',
  'psi',
  'ppm',
  '%vol',
  '%LEL',
  'mg/m3',
  'C',
  'K',
  'F',
  '%',
  'm',
  'mm',
  'mA',
]);

const tryParse = (s: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(s) };
  } catch {
    return { ok: false };
  }
};

/** What makes each kind of garbage garbage, checked on the payload alone. */
const IS_KIND: Record<GarbageKind, (payload: string, m: SimMessage) => boolean> = {
  'invalid-json': (p) => p.length > 0 && !tryParse(p).ok,
  'non-numeric-value': (p) => {
    const v = (JSON.parse(p) as { value: unknown }).value;
    return v !== undefined && v !== null && typeof v !== 'number' && !/^(NaN|-?Infinity)$/.test(String(v));
  },
  'non-finite-value': (p) => {
    const v = (JSON.parse(p) as { value: unknown }).value;
    return typeof v === 'number' ? !Number.isFinite(v) : /^(NaN|-?Infinity)$/.test(String(v));
  },
  'missing-value': (p) => {
    const o = JSON.parse(p) as Record<string, unknown>;
    return o['value'] === undefined || o['value'] === null;
  },
  'unknown-unit': (p) => {
    const o = JSON.parse(p) as { value: unknown; unit: string };
    return typeof o.value === 'number' && !KNOWN_UNITS.has(o.unit);
  },
  'absurd-timestamp': (p, m) => {
    const ts = (JSON.parse(p) as { ts: unknown }).ts;
    const ms = typeof ts === 'number' ? ts : Date.parse(String(ts));
    return !Number.isFinite(ms) || Math.abs(ms - m.at) > 365 * 86_400_000;
  },
  oversized: (p) => Buffer.byteLength(p) > PAYLOAD_LIMIT_BYTES && tryParse(p).ok,
  empty: (p) => p.length === 0,
};

describe('units and resolution', () => {
  it('converts ppm to %LEL and %vol with the SPEC §2 formula, and back', () => {
    expect(fromPpm(3400, '%LEL', 'propane')).toBeCloseTo(20, 10);
    expect(fromPpm(17_600, '%LEL', 'methane')).toBeCloseTo(40, 10);
    expect(toPpm(20, '%LEL', 'propane')).toBeCloseTo(3400, 8);
    expect(fromPpm(10_000, '%vol', 'methane')).toBe(1);
    expect(() => fromPpm(1, 'mg/m3', 'methane')).toThrow(/does not convert/);
  });

  it('publishes exactly the quantised number, never a float tail or a negative zero', () => {
    expect(quantise(3.3000000000000003, 'ppm')).toBe(3.3);
    expect(quantise(19.37449, 'MPa')).toBe(19.374);
    expect(Object.is(quantise(-0.00001, 'ppm'), 0)).toBe(true);
    expect(encodeReading({ value: quantise(0.1 + 0.2, 'ppm'), ts: 1, unit: 'ppm', status: 'ok' })).toBe(
      '{"value":0.3,"ts":1,"unit":"ppm","status":"ok"}',
    );
  });
});

describe('garbage', () => {
  const messages = [...generate({ scenario: 'garbage', seed: 12, startTime: START, duration: '10m' })];
  const garbage = messages.filter((m) => m.garbage !== undefined);

  it('emits every malformed kind, tagged, on real sensor topics', () => {
    expect(new Set(garbage.map((m) => m.garbage!.kind))).toEqual(new Set(GARBAGE_KINDS));
    for (const m of garbage) {
      expect(m.format).toBe('garbage');
      expect(m.readings).toEqual([]);
      expect(m.topic).toMatch(/^gas\/(zjk-depot|hx-station)\/(PT|TT|LT|GD)-\d+$/);
      expect(garbageVariants(m.garbage!.kind)).toContain(m.garbage!.variant);
    }
  });

  it('makes each payload malformed in exactly the way its tag says', () => {
    for (const m of garbage)
      expect(
        IS_KIND[m.garbage!.kind](m.payload, m),
        `${m.garbage!.kind}/${m.garbage!.variant}: ${m.payload.slice(0, 80)}`,
      ).toBe(true);
    const sizes = garbage.filter((m) => m.garbage!.kind !== 'oversized').map((m) => Buffer.byteLength(m.payload));
    expect(Math.max(...sizes)).toBeLessThan(1024);
  });

  it('over ten minutes uses most variants of each kind', () => {
    const variants = new Set(garbage.map((m) => `${m.garbage!.kind}/${m.garbage!.variant}`));
    expect(variants.size).toBeGreaterThanOrEqual(15);
  });

  it('keeps the good readings flowing alongside, every one well-formed', () => {
    const good = messages.filter((m) => m.garbage === undefined);
    expect(good.length).toBeGreaterThan(garbage.length * 20);
    for (const m of good) {
      const body = JSON.parse(m.payload) as { value: number; ts: number; unit: string };
      expect(Number.isFinite(body.value) && KNOWN_UNITS.has(body.unit) && body.ts === m.at).toBe(true);
    }
  });
});

describe('payload forms', () => {
  const opts = { scenario: 'normal', seed: 21, startTime: START, duration: '5m' } as const;
  const plain = [...generate(opts)];
  const mixed = [...generate({ ...opts, formats: { batch: 0.2, bare: 0.2 } })];

  it('are single JSON objects by default', () => {
    expect(new Set(plain.map((m) => m.format))).toEqual(new Set(['object']));
  });

  it('can also be gateway batches (JSON arrays) and bare numbers, without changing any value', () => {
    const count = (f: string) => mixed.filter((m) => m.format === f).length;
    expect(count('batch')).toBeGreaterThan(50);
    expect(count('bare')).toBeGreaterThan(100);
    expect(count('object')).toBeGreaterThan(100);
    for (const m of mixed) {
      const body = JSON.parse(m.payload) as unknown;
      if (m.format === 'batch') {
        const arr = body as Array<{ value: number; ts: number }>;
        expect(arr.map((r) => r.value)).toEqual(m.readings.map((r) => r.value));
        expect(arr.map((r) => r.ts)).toEqual(m.readings.map((r) => r.ts));
        expect(arr.at(-1)!.ts).toBe(m.at);
      } else if (m.format === 'bare') {
        expect(body).toBe(m.readings[0]!.value);
        expect(m.readings[0]!.ts).toBeNull();
      }
    }
    // Same readings, same values, whatever the form.
    const values = (ms: SimMessage[]) =>
      [...bySensor(ms)]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, list]) => [k, list.flatMap((m) => m.readings.map((r) => `${r.value} ${r.unit}`))]);
    expect(values(mixed)).toEqual(values(plain));
  });
});
