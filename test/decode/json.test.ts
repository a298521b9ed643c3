import { describe, expect, it } from 'vitest';
import { decodePayload } from '../../src/decode/json.js';

const NOW = Date.parse('2026-11-28T08:00:00Z');
const dec = (s: string | Buffer, max = 256 * 1024) => decodePayload(Buffer.isBuffer(s) ? s : Buffer.from(s), NOW, max);

describe('decodePayload', () => {
  it('decodes an object, a bare number and a batch', () => {
    expect(dec('{"value":12.5,"ts":1764316800123,"unit":"ppm","status":"ok"}').readings).toEqual([
      { value: 12.5, ts: 1764316800123, unit: 'ppm', status: 'ok' },
    ]);
    expect(dec('12.5').readings).toEqual([{ value: 12.5, ts: NOW, unit: undefined, status: 'ok' }]);
    const batch = dec('[{"value":1,"ts":"2026-11-28T07:59:00Z"},{"value":2,"status":"fault"},3]');
    expect(batch.readings.map((r) => r.value)).toEqual([1, 2, 3]);
    expect(batch.readings[0]?.ts).toBe(Date.parse('2026-11-28T07:59:00Z'));
    expect(batch.readings[1]?.status).toBe('fault');
  });

  it.each([
    ['{"value":', 'malformed_json'],
    ['NaN', 'malformed_json'],
    ['', 'empty'],
    ['{"value":"12"}', 'non_numeric'],
    ['{"value":1e999}', 'non_finite'],
    ['{"ts":1}', 'missing_value'],
    ['"hello"', 'not_a_reading'],
    ['{"value":1,"ts":1764316800}', 'bad_timestamp'],
    ['{"value":1,"ts":"yesterday"}', 'bad_timestamp'],
    ['{"value":1,"ts":4102444800000}', 'bad_timestamp'],
    ['{"value":1,"status":"broken"}', 'bad_status'],
    ['{"value":1,"unit":5}', 'unknown_unit'],
  ])('rejects %s as %s', (payload, reason) => {
    const d = dec(payload);
    expect(d.readings).toEqual([]);
    expect(d.rejections.map((r) => r.reason)).toEqual([reason]);
  });

  it('rejects oversized payloads before parsing them', () => {
    const d = dec(Buffer.alloc(300 * 1024, 0x20));
    expect(d.rejections[0]?.reason).toBe('oversized');
  });

  it('a bad element of a batch rejects only itself', () => {
    const d = dec('[{"value":1},{"value":"x"},{"value":3}]');
    expect(d.readings.map((r) => r.value)).toEqual([1, 3]);
    expect(d.rejections.map((r) => r.reason)).toEqual(['non_numeric']);
  });
});
