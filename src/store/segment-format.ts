/**
 * The record format of spool segments: one record a line, `T ` (telemetry) or `E ` (alarm event),
 * then `[measurement, tags, fields, ts]` as JSON. JSON rather than line protocol because operator
 * comments may hold newlines; the class marker says which records the bound may drop.
 */
import type { FieldValue, Point } from './port.js';

export type RecordClass = 'telemetry' | 'event';

/** Alarm and hazard events are the records the spool never drops. */
export function classOf(p: Point): RecordClass {
  return p.measurement === 'alarm_event' || p.measurement === 'hazard_event' ? 'event' : 'telemetry';
}

export interface ParsedRecord {
  cls: RecordClass;
  point: Point | undefined;
  line: string;
}

export function encode(p: Point): string {
  return `${classOf(p) === 'event' ? 'E' : 'T'} ${JSON.stringify([p.measurement, p.tags, p.fields, p.ts])}\n`;
}

function decode(line: string): ParsedRecord | undefined {
  const c = line.charCodeAt(0);
  if ((c !== 69 && c !== 84) || line.charCodeAt(1) !== 32) return undefined;
  const cls: RecordClass = c === 69 ? 'event' : 'telemetry';
  try {
    const a = JSON.parse(line.slice(2)) as unknown;
    if (!Array.isArray(a) || typeof a[0] !== 'string' || typeof a[3] !== 'number')
      return { cls, point: undefined, line };
    const point = {
      measurement: a[0],
      tags: (a[1] ?? {}) as Record<string, string>,
      fields: (a[2] ?? {}) as Record<string, FieldValue>,
      ts: a[3],
    };
    return { cls, point, line };
  } catch {
    return { cls, point: undefined, line };
  }
}

/** Complete lines of a segment; `corrupt` counts the torn tail and lines that do not parse. */
export function parse(text: string): { records: ParsedRecord[]; corrupt: number } {
  const lines = text.split('\n');
  const tail = lines.pop();
  let corrupt = tail ? 1 : 0;
  const records: ParsedRecord[] = [];
  for (const line of lines) {
    const r = decode(line);
    if (r?.point) records.push(r);
    else corrupt++;
  }
  return { records, corrupt };
}
