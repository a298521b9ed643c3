/** Shared pieces of the config schemas (schema.ts): durations, sizes, ids, priorities, zones, URLs. */
import { z } from 'zod';
import { ID_PATTERN, ID_RULE_TEXT } from '../domain/ids.js';
import { PRIORITIES } from '../domain/types.js';
import { LOCALES } from '../i18n/index.js';
import { parseDuration, parseSize } from './units-parse.js';

const DURATION_HINT = 'expected a duration such as 500ms, 5s, 10m, 2h, 1d';
const SIZE_HINT = 'expected a size such as 256KiB, 512MB, 1GB';

/** A duration as `500ms`, `5s`, `10m`, `2h`, `1d` (or a number of milliseconds); parsed to ms. */
export const Duration = z
  .union([z.number().nonnegative(), z.string().regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*$/, DURATION_HINT)], {
    error: DURATION_HINT,
  })
  .transform((v) => (typeof v === 'number' ? v : (parseDuration(v) as number)))
  .describe('A duration: 500ms, 5s, 10m, 2h, 1d (a bare number is milliseconds)');

/** A size as `512MB`, `1GB` (or a number of bytes); parsed to bytes. */
export const Size = z
  .union(
    [
      z.number().int().nonnegative(),
      z.string().regex(/^\s*\d+(\.\d+)?\s*(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)?\s*$/i, SIZE_HINT),
    ],
    { error: SIZE_HINT },
  )
  .transform((v) => (typeof v === 'number' ? v : (parseSize(v) as number)))
  .describe('A size: 256KiB, 512MB, 1GB (binary multiples; a bare number is bytes)');

/** A valid IANA time zone, as Intl knows them (Asia/Shanghai, UTC). */
export const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone such as Asia/Shanghai or UTC');

/** A language gaswatch speaks (SPEC §8): its catalogue is src/i18n/locales/{locale}.json. */
export const Locale = z.enum(LOCALES, { error: `expected one of: ${LOCALES.join(', ')}` });

export const Priority = z.enum(PRIORITIES).describe('Alarm priority: critical, high, medium, low');
export const Range = z
  .tuple([z.number(), z.number()])
  .describe('[min, max] the instrument can measure: a reading outside is a sensor fault (over/under-range)');
/** SPEC §4's one id rule (src/domain/ids.ts), the same in config, at ingest and in the HTTP API. */
export const Id = z.string().regex(ID_PATTERN, `${ID_RULE_TEXT} (no spaces, "/", "+", "#")`);

export const urlOf = (schemes: string, extra = '') =>
  new RegExp(`^(${extra ? `${extra}|` : ''}(${schemes})://[^\\s]+)$`);
export const HttpUrl = z.string().regex(urlOf('http|https'), 'expected http://… or https://…');
const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;
export const Email = z.string().regex(EMAIL, 'expected an email address such as ops@example.com');
