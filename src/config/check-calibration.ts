/**
 * A sensor's calibration dates (SPEC §11): `calibratedAt` (the last calibration, an ISO-8601 date)
 * and `calibrationInterval` (how long until the next one is due) go together. A date in the future
 * is a typo for the due date or a wrong year; a lone interval or a lone date would leave the
 * `calibration` hazard rule unable to tell when calibration is due — each is reported at its key.
 */
import type { IssuePath } from './issues.js';

/** A date-only value is midnight UTC, which is already "tomorrow" east of Greenwich for a day. */
const FUTURE_TOLERANCE = 24 * 3600_000;
const ISO_DATE = /^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?$/;

export interface Calibration {
  calibratedAt: number | undefined;
  calibrationInterval: number | undefined;
}

export function checkCalibration(
  sc: { calibratedAt?: string | undefined; calibrationInterval?: number | undefined },
  now: number,
  fail: (path: IssuePath, message: string) => void,
): Calibration {
  const none: Calibration = { calibratedAt: undefined, calibrationInterval: undefined };
  const { calibratedAt: raw, calibrationInterval: interval } = sc;
  if (raw === undefined && interval === undefined) return none;
  let ok = true;
  const at = raw === undefined ? Number.NaN : Date.parse(raw);
  if (raw === undefined) {
    ok = false;
    fail(['calibrationInterval'], 'calibrationInterval needs calibratedAt, the date of the last calibration');
  } else if (!ISO_DATE.test(raw.trim()) || Number.isNaN(at) || !realDay(raw.trim())) {
    ok = false;
    fail(['calibratedAt'], `"${raw}" is not an ISO-8601 date such as 2026-05-12`);
  } else if (at > now + FUTURE_TOLERANCE) {
    ok = false;
    fail(
      ['calibratedAt'],
      `${raw} is in the future: give the date of the last calibration (the next is due calibrationInterval after it)`,
    );
  }
  if (interval === undefined) {
    if (raw !== undefined) {
      ok = false;
      fail(['calibratedAt'], 'calibratedAt needs calibrationInterval (e.g. 180d) to tell when calibration is due');
    }
  } else if (interval <= 0) {
    ok = false;
    fail(['calibrationInterval'], 'must be longer than 0');
  }
  return ok ? { calibratedAt: at, calibrationInterval: interval } : none;
}

/** Date.parse takes 2026-02-30 for 2 March: the day must exist in its month. */
function realDay(s: string): boolean {
  const [y, m, d] = s.slice(0, 10).split('-').map(Number) as [number, number, number];
  return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}
