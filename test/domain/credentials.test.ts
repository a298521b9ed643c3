import { describe, expect, it } from 'vitest';
import { badPasswordHashReason, parsePasswordHash, weakTokenReason } from '../../src/domain/credentials.js';

describe('password hashes in config', () => {
  const good = 'scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U=';
  it('parses a hash as gaswatch hash-password prints it', () => {
    expect(parsePasswordHash(good)).toMatchObject({ N: 32768, r: 8, p: 1 });
    expect(badPasswordHashReason(good)).toBeUndefined();
  });
  it.each([
    'scrypt$REPLACE-WITH-OUTPUT-OF-gaswatch-hash-password',
    'scrypt$x',
    '',
    'bcrypt$10$abc',
    good.replace('32768', '1000'), // not a power of two
    good.replace('32768', String(2 ** 21)), // too costly
    good.replace('$8$', '$0$'),
    good.replace('c2FsdHNhbHRzYWx0c2FsdA==', 'c2FsdA=='), // salt too short
    good.replace('c2FsdHNhbHRzYWx0c2FsdA==', 'not base64!!'),
  ])('refuses %j', (h) => {
    expect(parsePasswordHash(h)).toBeUndefined();
    expect(badPasswordHashReason(h)).toMatch(/gaswatch hash-password/);
  });
});

describe('API tokens in config', () => {
  it('accepts random tokens of 32 characters or more', () => {
    for (const t of [
      '3f9a1c0e8b7d6a5f4e3d2c1b0a998877',
      'q8Zk2Vb7Xn1Lm4Pr6Ts9Uw3Yc5Ef0Hj2',
      'tok-operator-0123456789abcdefghij',
    ])
      expect(weakTokenReason(t), t).toBeUndefined();
  });
  it.each([
    ['abc', /shorter than 32/],
    ['tok-operator-0123456789abcdef', /shorter than 32/],
    ['a'.repeat(40), /too repetitive/],
    ['passwordpasswordpasswordpassword', /too repetitive/],
    ['0123456789abcdef0123456789abcdef', /too repetitive/],
    ['11111111112222222222333333333344', /too repetitive/],
    ['q8Zk2Vb7Xn1Lm4Pr 6Ts9Uw3Yc5Ef0Hj2', /white space/],
  ])('refuses %j and never echoes it', (t, why) => {
    const reason = weakTokenReason(t);
    expect(reason).toMatch(why);
    expect(reason).not.toContain(t);
  });
});
