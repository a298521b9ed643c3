/**
 * The console's pure helpers, run in Node as the browser runs them: how each KPI stands against its
 * target (src/http/public/js/kpi-health.js, the table beside the code, a row per boundary), and
 * wall-clock times in a site's zone for the KPI page's chosen dates (format.js), across a
 * daylight-saving change.
 */
import { describe, expect, it } from 'vitest';

interface Kpis {
  raised: number;
  per10min: { mean: number; peak: number };
  flood: { share: number };
  standing: { count: number };
  chattering: { count: number };
  priorities: { bands: { band: string; share: number }[] };
  top: { raised: number }[];
}
type Level = 'ok' | 'warn' | 'bad' | 'info';
interface Health {
  judge(k: Kpis): Record<string, Level>;
  verdict(l: Record<string, Level>): { level: Level; bad: number; warn: number };
  topShare(k: Kpis): number;
  MIN_FOR_DISTRIBUTION: number;
}
interface Format {
  wallTimeToEpoch(local: string, zone: string): number;
  toWallTime(at: number | string, zone: string): string;
}
// Plain browser modules (no types): imported by path so that TypeScript does not look for declarations.
const HEALTH = '../../src/http/public/js/kpi-health.js';
const FORMAT = '../../src/http/public/js/format.js';
const { judge, verdict, topShare, MIN_FOR_DISTRIBUTION } = (await import(HEALTH)) as Health;
const { wallTimeToEpoch, toWallTime } = (await import(FORMAT)) as Format;

const healthy = (o: Partial<Kpis> = {}): Kpis => ({
  raised: 100,
  per10min: { mean: 0.5, peak: 4 },
  flood: { share: 0 },
  standing: { count: 0 },
  chattering: { count: 0 },
  priorities: {
    bands: [
      { band: 'high', share: 0.05 },
      { band: 'medium', share: 0.15 },
      { band: 'low', share: 0.8 },
    ],
  },
  top: [],
  ...o,
});

describe('KPI health (EEMUA 191, ISA-18.2)', () => {
  it('judges each figure at its boundaries', () => {
    const level = (o: Partial<Kpis>, kpi: string) => judge(healthy(o))[kpi];
    expect(level({ per10min: { mean: 1, peak: 0 } }, 'mean')).toBe('ok');
    expect(level({ per10min: { mean: 1.01, peak: 0 } }, 'mean')).toBe('warn');
    expect(level({ per10min: { mean: 2, peak: 0 } }, 'mean')).toBe('warn');
    expect(level({ per10min: { mean: 2.01, peak: 0 } }, 'mean')).toBe('bad');
    expect(level({ per10min: { mean: 0, peak: 10 } }, 'peak')).toBe('ok');
    expect(level({ per10min: { mean: 0, peak: 11 } }, 'peak')).toBe('bad');
    expect(level({ flood: { share: 0.0099 } }, 'flood')).toBe('ok');
    expect(level({ flood: { share: 0.01 } }, 'flood')).toBe('bad');
    expect(level({ standing: { count: 0 } }, 'standing')).toBe('ok');
    expect(level({ standing: { count: 4 } }, 'standing')).toBe('warn');
    expect(level({ standing: { count: 5 } }, 'standing')).toBe('bad');
    expect(level({ chattering: { count: 1 } }, 'chattering')).toBe('bad');
  });

  it('judges the priority distribution only from enough alarms, by its top bands', () => {
    const bands = (high: number, medium: number) => ({
      priorities: {
        bands: [
          { band: 'high', share: high },
          { band: 'medium', share: medium },
          { band: 'low', share: 1 - high - medium },
        ],
      },
    });
    expect(judge(healthy(bands(0.1, 0.3))).distribution).toBe('ok');
    expect(judge(healthy(bands(0.11, 0.2))).distribution).toBe('warn');
    expect(judge(healthy(bands(0.05, 0.31))).distribution).toBe('warn');
    expect(judge(healthy({ ...bands(0.5, 0.5), raised: MIN_FOR_DISTRIBUTION - 1 })).distribution).toBe('info');
  });

  it('says the worst, and counts', () => {
    expect(verdict(judge(healthy()))).toEqual({ level: 'ok', bad: 0, warn: 0 });
    expect(verdict(judge(healthy({ standing: { count: 2 } })))).toEqual({ level: 'warn', bad: 0, warn: 1 });
    expect(
      verdict(judge(healthy({ standing: { count: 2 }, chattering: { count: 3 }, flood: { share: 0.2 } }))),
    ).toEqual({ level: 'bad', bad: 2, warn: 1 });
  });

  it('gives the share the most frequent alarms make', () => {
    expect(topShare(healthy({ raised: 40, top: [{ raised: 10 }, { raised: 6 }] }))).toBe(0.4);
    expect(topShare(healthy({ raised: 0, top: [] }))).toBe(0);
  });
});

describe('wall-clock times in a site’s zone', () => {
  it('reads a chosen date and time in the zone, whatever the machine’s', () => {
    expect(wallTimeToEpoch('2026-11-28T08:00', 'Asia/Shanghai')).toBe(Date.parse('2026-11-28T00:00:00Z'));
    expect(toWallTime(Date.parse('2026-11-28T00:00:00Z'), 'Asia/Shanghai')).toBe('2026-11-28T08:00');
  });

  it('keeps the zone’s offset of that day across a daylight-saving change', () => {
    // New York: EDT (-4) until 1 November 2026, EST (-5) after.
    expect(wallTimeToEpoch('2026-10-31T12:00', 'America/New_York')).toBe(Date.parse('2026-10-31T16:00:00Z'));
    expect(wallTimeToEpoch('2026-11-02T12:00', 'America/New_York')).toBe(Date.parse('2026-11-02T17:00:00Z'));
    for (const at of ['2026-03-07T23:30:00Z', '2026-03-08T12:00:00Z', '2026-11-01T12:00:00Z'])
      expect(wallTimeToEpoch(toWallTime(at, 'America/New_York'), 'America/New_York')).toBe(Date.parse(at));
  });

  it('refuses what is not a date and time', () => {
    expect(wallTimeToEpoch('', 'Asia/Shanghai')).toBeNaN();
    expect(wallTimeToEpoch('yesterday', 'Asia/Shanghai')).toBeNaN();
  });
});
