/**
 * The SPEC §1 JSON wire format: one reading object, a JSON array of them (a batch of one sensor),
 * or a bare JSON number. Pure: payload bytes → readings and per-reading rejections. A bad element of
 * a batch rejects only itself.
 */
import { type RawReading, READING_STATUSES, type ReadingStatus } from '../domain/types.js';

export type RejectReason =
  | 'oversized'
  | 'empty'
  | 'malformed_json'
  | 'not_a_reading'
  | 'missing_value'
  | 'non_numeric'
  | 'non_finite'
  | 'bad_timestamp'
  | 'bad_status'
  | 'unknown_unit'
  | 'bad_topic';

export interface Rejection {
  reason: RejectReason;
  detail: string;
}

export interface Decoded {
  readings: RawReading[];
  rejections: Rejection[];
}

/** Earliest plausible reading time; a smaller `ts` is seconds mistaken for milliseconds or garbage. */
const MIN_TS = Date.UTC(2000, 0, 1);
/** Clocks drift; a reading more than an hour in the future is not believable. */
const MAX_FUTURE_MS = 60 * 60_000;
const MAX_BATCH = 10_000;
const STATUSES: ReadonlySet<string> = new Set(READING_STATUSES);

export function decodePayload(payload: Buffer, receivedAt: number, maxBytes: number): Decoded {
  if (payload.length > maxBytes)
    return reject('oversized', `payload of ${payload.length} bytes exceeds the limit of ${maxBytes}`);
  if (payload.length === 0) return reject('empty', 'empty payload');
  let doc: unknown;
  try {
    doc = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return reject('malformed_json', (err as Error).message);
  }
  const out: Decoded = { readings: [], rejections: [] };
  if (Array.isArray(doc)) {
    if (doc.length > MAX_BATCH) return reject('oversized', `batch of ${doc.length} readings exceeds ${MAX_BATCH}`);
    for (const item of doc) one(item, receivedAt, out);
  } else one(doc, receivedAt, out);
  return out;
}

function reject(reason: RejectReason, detail: string): Decoded {
  return { readings: [], rejections: [{ reason, detail }] };
}

function one(item: unknown, receivedAt: number, out: Decoded): void {
  if (typeof item === 'number') {
    if (!Number.isFinite(item)) out.rejections.push({ reason: 'non_finite', detail: String(item) });
    else out.readings.push({ value: item, ts: receivedAt, unit: undefined, status: 'ok' });
    return;
  }
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    out.rejections.push({ reason: 'not_a_reading', detail: `expected an object or a number, got ${kindOf(item)}` });
    return;
  }
  const o = item as Record<string, unknown>;
  const v = o.value;
  if (v === undefined || v === null) {
    out.rejections.push({ reason: 'missing_value', detail: 'no "value"' });
    return;
  }
  if (typeof v !== 'number') {
    out.rejections.push({ reason: 'non_numeric', detail: `"value" is ${kindOf(v)}` });
    return;
  }
  if (!Number.isFinite(v)) {
    out.rejections.push({ reason: 'non_finite', detail: `"value" is ${v}` });
    return;
  }
  let ts = receivedAt;
  if (o.ts !== undefined && o.ts !== null) {
    const t = typeof o.ts === 'number' ? o.ts : typeof o.ts === 'string' ? Date.parse(o.ts) : Number.NaN;
    if (!Number.isFinite(t) || t < MIN_TS || t > receivedAt + MAX_FUTURE_MS) {
      out.rejections.push({
        reason: 'bad_timestamp',
        detail: `"ts" ${JSON.stringify(o.ts)} is not a plausible epoch-ms or ISO-8601 time`,
      });
      return;
    }
    ts = Math.round(t);
  }
  let unit: string | undefined;
  if (o.unit !== undefined && o.unit !== null) {
    if (typeof o.unit !== 'string') {
      out.rejections.push({ reason: 'unknown_unit', detail: `"unit" is ${kindOf(o.unit)}` });
      return;
    }
    unit = o.unit;
  }
  let status: ReadingStatus = 'ok';
  if (o.status !== undefined && o.status !== null) {
    if (typeof o.status !== 'string' || !STATUSES.has(o.status)) {
      out.rejections.push({
        reason: 'bad_status',
        detail: `"status" ${JSON.stringify(o.status)} is not ok, fault, maintenance or calibrating`,
      });
      return;
    }
    status = o.status as ReadingStatus;
  }
  out.readings.push({ value: v, ts, unit, status });
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `a string (${JSON.stringify(v.slice(0, 20))})` : `a ${typeof v}`;
}
