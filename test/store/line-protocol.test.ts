import { describe, expect, it } from 'vitest';
import { encodePoint } from '../../src/store/line-protocol.js';
import { readingPoint } from '../../src/store/points.js';
import type { Point } from '../../src/store/port.js';

const line = (p: Parameters<typeof encodePoint>[0]) => {
  const e = encodePoint(p);
  if (!e.ok) throw new Error(e.reason);
  return e.line;
};

describe('line protocol', () => {
  it('writes a reading with sorted tags, a float value and a ms timestamp, leaving out an empty asset', () => {
    const p = readingPoint({
      site: 'zjk-depot',
      sensor: 'GD-12',
      kind: 'gas',
      asset: undefined,
      unit: '%LEL',
      configured: true,
      value: 12,
      ts: 1764316800123,
    });
    expect(line(p)).toBe(
      'reading,configured=true,kind=gas,sensor=GD-12,site=zjk-depot,unit=%LEL value=12 1764316800123',
    );
  });

  it('never writes an integer field', () => {
    expect(line({ measurement: 'm', tags: {}, fields: { a: 3, b: -0, c: 1e21, d: 5e-7 }, ts: 1 })).toBe(
      'm a=3,b=0,c=1e+21,d=5e-7 1',
    );
    expect(line({ measurement: 'm', tags: {}, fields: { a: 3 }, ts: 1 })).not.toMatch(/\di\b/);
  });

  it('escapes names, tags and strings', () => {
    const p = {
      measurement: 'a b,c',
      tags: { 'k =,': 'v =,x', empty: '' },
      fields: { 'f x': 'say "hi"\\ there\nnext', ok: true, no: false },
      ts: 1.6,
    };
    expect(line(p)).toBe('a\\ b\\,c,k\\ \\=\\,=v\\ \\=\\,x f\\ x="say \\"hi\\"\\\\ there\nnext",ok=true,no=false 2');
  });

  it('leaves out fields with no line-protocol form', () => {
    const fields = { a: Number.NaN, b: Number.POSITIVE_INFINITY, c: null, d: 1 } as unknown as Record<string, number>;
    expect(line({ measurement: 'm', tags: {}, fields, ts: 1 })).toBe('m d=1 1');
  });

  it('refuses what it cannot write faithfully', () => {
    const bad: Point[] = [
      { measurement: 'm', tags: {}, fields: { a: Number.NaN }, ts: 1 },
      { measurement: '', tags: {}, fields: { a: 1 }, ts: 1 },
      { measurement: 'm\nx', tags: {}, fields: { a: 1 }, ts: 1 },
      { measurement: 'm', tags: { site: 'a\nb' }, fields: { a: 1 }, ts: 1 },
      { measurement: 'm', tags: { site: 'ends\\' }, fields: { a: 1 }, ts: 1 },
      { measurement: 'm', tags: {}, fields: { a: 1 }, ts: Number.NaN },
    ];
    for (const p of bad) expect(encodePoint(p).ok, JSON.stringify(p)).toBe(false);
  });
});
