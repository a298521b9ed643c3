import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRoc, pushSample, type RocSample } from '../../src/evaluate/roc.js';

/** The window as defined: every sample in time order (stable), none older than `per` before the newest. */
function reference(samples: RocSample[], per: number): RocSample[] {
  const sorted = samples.map((s, i) => ({ s, i })).sort((a, b) => a.s.ts - b.s.ts || a.i - b.i);
  const newest = sorted.at(-1)?.s.ts ?? 0;
  return sorted.filter(({ s }) => s.ts >= newest - per).map(({ s }) => s);
}

describe('pushSample', () => {
  it('keeps the window of the last `per`, whatever order the samples come in', () => {
    fc.assert(
      fc.property(
        // Small ranges, so equal times and samples exactly `per` apart come up often.
        fc.array(fc.record({ ts: fc.integer({ min: 0, max: 30 }), value: fc.integer() }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 10 }),
        (samples, per) => {
          let window: RocSample[] = [];
          const seen: RocSample[] = [];
          for (const s of samples) {
            const before = [...window];
            const next = pushSample(window, s, per);
            expect(window).toEqual(before); // the input is never changed
            window = next;
            seen.push(s);
            expect(window).toEqual(reference(seen, per));
          }
        },
      ),
    );
  });

  it('keeps a sample exactly `per` before the newest', () => {
    const w = pushSample(pushSample([], { ts: 0, value: 1 }, 5), { ts: 5, value: 2 }, 5);
    expect(w.map((s) => s.ts)).toEqual([0, 5]);
  });

  it('drops what is older than `per` before a new sample in order', () => {
    const w = [0, 10, 20, 30].reduce<RocSample[]>((acc, ts) => pushSample(acc, { ts, value: ts }, 15), []);
    expect(w.map((s) => s.ts)).toEqual([20, 30]);
    expect(
      evaluateRoc(
        { rise: 5, fall: undefined, per: 15, priority: 'high', display: { rise: 5, fall: undefined, unit: 'MPa' } },
        w,
      ).active,
    ).toBe(true);
  });
});
