/**
 * InfluxDB 1.x line protocol, encoded here rather than by `influx.writePoints()` because that
 * encoder writes empty tag values (`asset=`, which InfluxDB refuses as "missing tag value" and so
 * would fail every reading of a sensor without an asset), leaves the measurement unescaped and
 * rewrites `\'` inside strings. Timestamps are milliseconds (`precision=ms`).
 *
 * Numbers are always written as floats (no `i` suffix): InfluxDB fixes a field's type at first
 * write, so one integer-typed `value` would turn every later reading into a type conflict.
 *
 * https://docs.influxdata.com/influxdb/v1.6/write_protocols/line_protocol_reference/
 */
import { ReadingPoint } from './points.js';
import type { Point } from './port.js';

const MEASUREMENT_SPECIAL = /[, ]/g;
const KEY_SPECIAL = /[,= ]/g;
const STRING_SPECIAL = /["\\]/g;
// Newlines end a line, and a trailing backslash escapes the separator after it: neither can be
// written in a name or tag, and silently changing the name would file the point under another series.
const UNWRITABLE = /[\r\n]|\\$/;

function escapeMeasurement(s: string): string {
  return s.replace(MEASUREMENT_SPECIAL, '\\$&');
}

function escapeKey(s: string): string {
  return s.replace(KEY_SPECIAL, '\\$&');
}

function fieldValue(v: unknown): string | undefined {
  switch (typeof v) {
    case 'number':
      // NaN and ±Infinity have no line-protocol form; the field is left out.
      return Number.isFinite(v) ? String(v) : undefined;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return `"${v.replace(STRING_SPECIAL, '\\$&')}"`;
    default:
      // null/undefined (an alarm event without operator) and anything else: no field.
      return undefined;
  }
}

export type Encoded = { ok: true; line: string } | { ok: false; reason: string };

/** A tag value that needs no escaping and is writable (ids, kinds and canonical units always are). */
const PLAIN = /^[^,= \\\r\n]+$/;

/** One point as a line, or why it cannot be written (such points go to quarantine untried). */
export function encodePoint(p: Point): Encoded {
  return p instanceof ReadingPoint ? encodeReading(p) : encodeGeneric(p);
}

/**
 * The hot path: a reading's tags in sorted order without building its `tags` object. Anything
 * that is not plain takes the general path, which escapes it or refuses it.
 */
function encodeReading(p: ReadingPoint): Encoded {
  if (!Number.isFinite(p.value) || !Number.isFinite(p.ts)) return encodeGeneric(p);
  const { asset, kind, sensor, site, unit } = p;
  if (
    (asset !== '' && !PLAIN.test(asset)) ||
    (kind !== '' && !PLAIN.test(kind)) ||
    !PLAIN.test(sensor) ||
    !PLAIN.test(site) ||
    (unit !== '' && !PLAIN.test(unit))
  )
    return encodeGeneric(p);
  let line = asset === '' ? 'reading' : `reading,asset=${asset}`;
  line += p.configured ? ',configured=true' : ',configured=false';
  if (kind !== '') line += `,kind=${kind}`;
  line += `,sensor=${sensor},site=${site}`;
  if (unit !== '') line += `,unit=${unit}`;
  return { ok: true, line: `${line} value=${p.value} ${Math.round(p.ts)}` };
}

function encodeGeneric(p: Point): Encoded {
  if (typeof p.measurement !== 'string' || p.measurement === '' || UNWRITABLE.test(p.measurement)) {
    return { ok: false, reason: 'invalid measurement name' };
  }
  if (!Number.isFinite(p.ts)) return { ok: false, reason: 'invalid timestamp' };
  let line = escapeMeasurement(p.measurement);
  const tags = p.tags ?? {};
  for (const key of Object.keys(tags).sort()) {
    const value = tags[key];
    // An empty tag is how InfluxDB reads a missing one; writing `key=` is a parse error.
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string' || key === '' || UNWRITABLE.test(key) || UNWRITABLE.test(value)) {
      return { ok: false, reason: `invalid tag ${JSON.stringify(key)}` };
    }
    line += `,${escapeKey(key)}=${escapeKey(value)}`;
  }
  let sep = ' ';
  const fields = p.fields ?? {};
  for (const key of Object.keys(fields)) {
    const value = fieldValue(fields[key]);
    if (value === undefined) continue;
    if (key === '' || UNWRITABLE.test(key)) return { ok: false, reason: `invalid field name ${JSON.stringify(key)}` };
    line += `${sep}${escapeKey(key)}=${value}`;
    sep = ',';
  }
  if (sep === ' ') return { ok: false, reason: 'no writable field' };
  return { ok: true, line: `${line} ${Math.round(p.ts)}` };
}
