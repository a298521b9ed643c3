/** Who gets a live-stream slot (the attack over HTTP: hardening-streams.test.ts). */
import { describe, expect, it } from 'vitest';
import type { Identity } from '../../src/http/auth.js';
import { StreamSlots } from '../../src/http/stream-slots.js';

const anon: Identity = { name: 'anonymous', role: 'viewer', via: 'anonymous' };
const viewer = (name: string): Identity => ({ name, role: 'viewer', via: 'token' });
const operator = (name: string): Identity => ({ name, role: 'operator', via: 'session' });

describe('StreamSlots', () => {
  it('keeps slots for operators that viewers cannot take', () => {
    const s = new StreamSlots({
      max: 10,
      reservedForOperators: 3,
      anonymous: 5,
      anonymousPerAddress: 5,
      perIdentity: 5,
    });
    for (let i = 0; i < 5; i++) expect(s.take(anon, `10.0.0.${i}`).ok).toBe(true);
    expect(s.take(anon, '10.0.1.1')).toMatchObject({ ok: false, status: 503, reason: 'full' });
    expect(s.take(viewer('wall'), 'x').ok).toBe(true);
    expect(s.take(viewer('wall2'), 'x').ok).toBe(true);
    expect(s.take(viewer('wall3'), 'x')).toMatchObject({ ok: false, status: 503 });
    for (let i = 0; i < 3; i++) expect(s.take(operator(`op${i}`), 'x').ok).toBe(true);
    expect(s.size).toBe(10);
    expect(s.take(operator('op9'), 'x')).toMatchObject({ ok: false, status: 503 });
  });

  it('limits anonymous streams per address and named ones per identity with 429', () => {
    const s = new StreamSlots({ anonymousPerAddress: 2, perIdentity: 2 });
    expect(s.take(anon, 'a').ok).toBe(true);
    expect(s.take(anon, 'a').ok).toBe(true);
    expect(s.take(anon, 'a')).toMatchObject({ ok: false, status: 429, reason: 'address' });
    expect(s.take(anon, 'b').ok).toBe(true);
    expect(s.take(operator('wang'), 'a').ok).toBe(true);
    expect(s.take({ ...operator('wang'), via: 'token' }, 'c').ok).toBe(true);
    expect(s.take(operator('wang'), 'd')).toMatchObject({ ok: false, status: 429, reason: 'identity' });
  });

  it('gives a slot back once, however often release is called', () => {
    const s = new StreamSlots({ perIdentity: 1 });
    const a = s.take(operator('wang'), 'a');
    if (!a.ok) throw new Error('refused');
    a.release();
    a.release();
    expect(s.size).toBe(0);
    expect(s.take(operator('wang'), 'a').ok).toBe(true);
    expect(s.size).toBe(1);
  });
});
