import { describe, expect, it } from 'vitest';
import { formatTime, formatTimeWithOffset } from '../../src/util/zoned-time.js';

const AT = Date.parse('2026-11-28T08:01:02.345Z');

describe('zoned time', () => {
  it('writes the local time of the zone', () => {
    expect(formatTime(AT, 'Asia/Shanghai')).toBe('2026-11-28 16:01:02');
    expect(formatTime(AT, 'UTC')).toBe('2026-11-28 08:01:02');
    expect(formatTime(null, 'UTC')).toBe('—');
  });

  it('adds the offset, half hours and UTC itself included', () => {
    expect(formatTimeWithOffset(AT, 'Asia/Shanghai')).toBe('2026-11-28 16:01:02 +08:00');
    expect(formatTimeWithOffset(AT, 'Asia/Kolkata')).toBe('2026-11-28 13:31:02 +05:30');
    expect(formatTimeWithOffset(AT, 'America/St_Johns')).toBe('2026-11-28 04:31:02 -03:30');
    expect(formatTimeWithOffset(AT, 'UTC')).toBe('2026-11-28 08:01:02 +00:00');
    expect(formatTimeWithOffset('2026-07-01T12:00:00Z', 'Europe/Berlin')).toBe('2026-07-01 14:00:00 +02:00');
  });
});
