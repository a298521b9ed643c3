/**
 * The alarm-system KPIs of SPEC §11 on a scripted hour of alarm history, every figure worked out by
 * hand in the comments (and not by the code under test).
 */
import { describe, expect, it } from 'vitest';
import type { AlarmEventRow } from '../../src/domain/ports.js';
import type { Priority } from '../../src/domain/types.js';
import { computeKpis } from '../../src/kpis/compute.js';

const FROM = Date.parse('2026-11-28T00:00:00Z');
const TO = Date.parse('2026-11-28T01:00:00Z'); // one hour: six 10-minute windows
const at = (hms: string) => Date.parse(`2026-11-28T${hms}Z`);
const H = 3_600_000;

function row(
  time: string | number,
  type: string,
  id: string,
  priority: Priority,
  state: string,
  raisedAt?: number,
): AlarmEventRow {
  const [site, sensor, condition] = id.split('/') as [string, string, string];
  return { at: typeof time === 'number' ? time : at(time), type, site, sensor, condition, priority, state, raisedAt };
}

const ROWS: AlarmEventRow[] = [
  // Window 0 [00:00, 00:10): GD-12/hi chatters — raised at 60 s, 80 s, 110 s: three raises within
  // 50 s (≥ 3 within 60 s: chattering), then acknowledged and cleared.
  row('00:01:00', 'raised', 'zjk-depot/GD-12/hi', 'high', 'active_unacked'),
  row('00:01:10', 'cleared', 'zjk-depot/GD-12/hi', 'high', 'cleared_unacked'),
  row('00:01:20', 'raised', 'zjk-depot/GD-12/hi', 'high', 'active_unacked'),
  row('00:01:30', 'cleared', 'zjk-depot/GD-12/hi', 'high', 'cleared_unacked'),
  row('00:01:50', 'raised', 'zjk-depot/GD-12/hi', 'high', 'active_unacked'),
  row('00:05:00', 'acked', 'zjk-depot/GD-12/hi', 'high', 'active_acked'),
  row('00:06:00', 'cleared', 'zjk-depot/GD-12/hi', 'high', 'normal'),
  // Window 1 [00:10, 00:20): a flood at zjk-depot — twelve detectors S-1…S-12 raise `hi` (medium)
  // one every 5 s from 00:11:00 (12 > 10 at one site), plus one critical at hx-station.
  ...Array.from({ length: 12 }, (_, i) =>
    row(at('00:11:00') + i * 5000, 'raised', `zjk-depot/S-${i + 1}/hi`, 'medium', 'active_unacked'),
  ),
  // The flood's own event is not an alarm raised: left out.
  row('00:11:55', 'flood', 'zjk-depot/_site/flood', 'high', 'active_unacked'),
  row('00:15:00', 'raised', 'hx-station/GD-21/hihi', 'critical', 'active_unacked'),
  // PT-102/hi has stood since 30 h before the range (the journal knows its raisedAt); acked now.
  row('00:20:00', 'acked', 'zjk-depot/PT-102/hi', 'high', 'active_acked', FROM - 30 * H),
  // Window 3 [00:30, 00:40): GD-21 clears and is acknowledged (stood 25 min); PT-101/lo (low) raised.
  row('00:32:00', 'cleared', 'hx-station/GD-21/hihi', 'critical', 'cleared_unacked'),
  row('00:35:00', 'raised', 'zjk-depot/PT-101/lo', 'low', 'active_unacked'),
  row('00:40:00', 'acked', 'hx-station/GD-21/hihi', 'critical', 'normal'),
  // An event from InfluxDB (no raisedAt): standing since at least `from`, i.e. 50 min: not over 24 h.
  row('00:50:00', 'cleared', 'hx-station/LT-201/lolo', 'high', 'cleared_unacked'),
  // Outside the range [from, to): not counted.
  row(TO, 'raised', 'zjk-depot/GD-13/hi', 'high', 'active_unacked'),
  row(FROM - 1, 'raised', 'zjk-depot/GD-13/hi', 'high', 'active_unacked'),
];

// Standing at `to` with no event in the range: TT-101/lo since 25 h before `from` (26 h at `to`:
// over 24 h), GD-14/hi since 2 h before (3 h: not).
const STANDING = [
  { id: 'zjk-depot/TT-101/lo', site: 'zjk-depot', raisedAt: FROM - 25 * H },
  { id: 'zjk-depot/GD-14/hi', site: 'zjk-depot', raisedAt: FROM - 2 * H },
];

describe('alarm-system KPIs on a scripted hour', () => {
  const k = computeKpis({ from: FROM, to: TO, site: null, rows: ROWS, standingAtEnd: STANDING });

  it('counts raises: 3 (GD-12) + 12 (S-*) + 1 (GD-21) + 1 (PT-101) = 17', () => {
    expect(k.raised).toBe(17);
  });

  it('alarms per 10 minutes: mean 17 / 6 windows = 2.833…, peak 13 in window 1 (00:10)', () => {
    expect(k.per10min.windows).toBe(6);
    expect(k.per10min.mean).toBeCloseTo(17 / 6, 10);
    expect(k.per10min.peak).toBe(13); // 12 at the depot + 1 at the station
    expect(k.per10min.peakAt).toBe('2026-11-28T00:10:00.000Z');
  });

  it('flood: 1 window of 6 had more than 10 raised at one site → 16.7 %', () => {
    expect(k.flood).toEqual({ limit: 10, windows: 1, share: 1 / 6 });
  });

  it('standing over 24 h: PT-102 (30 h before + the hour = 31 h) and TT-101 (26 h)', () => {
    expect(k.standing.count).toBe(2);
    expect(k.standing.alarms).toEqual([
      { id: 'zjk-depot/PT-102/hi', since: new Date(FROM - 30 * H).toISOString(), hours: 31 },
      { id: 'zjk-depot/TT-101/lo', since: new Date(FROM - 25 * H).toISOString(), hours: 26 },
    ]);
  });

  it('the ten most frequent: GD-12/hi ×3 first, then the ×1 ones in id order', () => {
    expect(k.top.map((t) => `${t.id} ${t.raised}`)).toEqual([
      'zjk-depot/GD-12/hi 3',
      'hx-station/GD-21/hihi 1',
      'zjk-depot/PT-101/lo 1',
      'zjk-depot/S-1/hi 1',
      'zjk-depot/S-10/hi 1',
      'zjk-depot/S-11/hi 1',
      'zjk-depot/S-12/hi 1',
      'zjk-depot/S-2/hi 1',
      'zjk-depot/S-3/hi 1',
      'zjk-depot/S-4/hi 1',
    ]);
  });

  it('chattering: GD-12/hi, 3 raises within 60 s', () => {
    expect(k.chattering).toEqual({ count: 1, alarms: [{ id: 'zjk-depot/GD-12/hi', raised: 3, mostWithin60s: 3 }] });
  });

  it('priorities against ~80/15/5: high band 1/17 (critical), medium 3/17 (high), low 13/17 (medium + low)', () => {
    expect(k.priorities.counts).toEqual({ critical: 1, high: 3, medium: 12, low: 1 });
    expect(k.priorities.bands.map((b) => [b.band, b.priorities, b.count, b.guidance])).toEqual([
      ['high', ['critical'], 1, 0.05],
      ['medium', ['high'], 3, 0.15],
      ['low', ['medium', 'low'], 13, 0.8],
    ]);
    expect(k.priorities.bands.map((b) => b.share)).toEqual([1 / 17, 3 / 17, 13 / 17]);
  });

  it('one site: hx-station alone raised 1 (GD-21) in window 1; no flood, nothing standing over 24 h', () => {
    const s = computeKpis({ from: FROM, to: TO, site: 'hx-station', rows: ROWS, standingAtEnd: STANDING });
    expect(s.raised).toBe(1);
    expect(s.per10min).toEqual({ windows: 6, mean: 1 / 6, peak: 1, peakAt: '2026-11-28T00:10:00.000Z' });
    expect(s.flood.windows).toBe(0);
    expect(s.standing.count).toBe(0);
    expect(s.priorities.bands.map((b) => b.share)).toEqual([1, 0, 0]);
  });

  it('an empty range: zeros, no division by zero', () => {
    const e = computeKpis({ from: FROM, to: FROM + 25 * 60_000, site: null, rows: [] });
    expect(e.raised).toBe(0);
    expect(e.per10min).toEqual({ windows: 3, mean: 0, peak: 0, peakAt: null }); // 25 min: 3 windows, the last partial
    expect(e.flood.share).toBe(0);
    expect(e.priorities.bands.map((b) => b.share)).toEqual([0, 0, 0]);
  });
});
