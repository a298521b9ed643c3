import { describe, expect, it } from 'vitest';
import { badRangeReason, rangeMatcher } from '../../src/util/net-ranges.js';

describe('address lists (http.trustProxy)', () => {
  it('accepts addresses, CIDR ranges and the proxy-addr names; says what is wrong otherwise', () => {
    for (const e of ['10.0.0.1', '10.0.0.0/8', 'fd00::/8', '::1', 'loopback', 'uniquelocal'])
      expect(badRangeReason(e), e).toBeUndefined();
    expect(badRangeReason('proxy.example')).toMatch(/not an IP address/);
    expect(badRangeReason('10.0.0.0/33')).toMatch(/prefix length must be 0–32/);
    expect(badRangeReason('10.0.0.0/8/1')).toMatch(/not an IP address/);
  });

  it('matches IPv4, IPv6 and IPv4-mapped addresses', () => {
    const m = rangeMatcher(['10.0.0.0/8', 'loopback', '2001:db8::1']);
    expect(m('10.200.0.1')).toBe(true);
    expect(m('127.0.0.1')).toBe(true);
    expect(m('::ffff:127.0.0.1')).toBe(true);
    expect(m('::1')).toBe(true);
    expect(m('2001:db8::1')).toBe(true);
    expect(m('192.168.1.1')).toBe(false);
    expect(m('not an address')).toBe(false);
  });
});
