/**
 * Malformed payloads, one kind per way real gateways get it wrong. Each message carries its kind and
 * variant so a test knows exactly what the daemon was sent and which rejection reason to expect.
 */
import type { Rng } from './rng.js';

export const GARBAGE_KINDS = [
  'invalid-json',
  'non-numeric-value',
  'non-finite-value',
  'missing-value',
  'unknown-unit',
  'absurd-timestamp',
  'oversized',
  'empty',
] as const;
export type GarbageKind = (typeof GARBAGE_KINDS)[number];

export interface GarbageTag {
  kind: GarbageKind;
  /** Which form of the kind, e.g. `1e999` or `year-2999`. */
  variant: string;
}

/** The daemon's default payload limit (SPEC §1); oversized payloads exceed it with room to spare. */
export const PAYLOAD_LIMIT_BYTES = 256 * 1024;
const OVERSIZED_BYTES = 300 * 1024;

/** What a well-formed reading would have carried: the garbage is built around it. */
export interface GarbageBasis {
  value: number;
  ts: number;
  unit: string;
}

type Variant = readonly [name: string, make: (b: GarbageBasis) => string];

const obj = (value: string, b: GarbageBasis, extra = '') =>
  `{"value":${value},"ts":${b.ts},"unit":${JSON.stringify(b.unit)},"status":"ok"${extra}}`;

const VARIANTS: Readonly<Record<GarbageKind, readonly Variant[]>> = {
  'invalid-json': [
    ['truncated', (b) => obj(String(b.value), b).slice(0, -9)],
    ['unquoted-keys', (b) => `{value:${b.value},ts:${b.ts}}`],
    ['trailing-comma', (b) => `{"value":${b.value},"ts":${b.ts},}`],
    ['bare-nan', () => 'NaN'],
    ['binary', () => '\u0000\u0001\u0002\u00ff\u00fe'],
  ],
  'non-numeric-value': [
    ['comma-decimal', (b) => obj(JSON.stringify(b.value.toFixed(1).replace('.', ',')), b)],
    ['word', (b) => obj('"high"', b)],
    ['boolean', (b) => obj('true', b)],
    ['array', (b) => obj(`[${b.value}]`, b)],
    ['object', (b) => obj(`{"v":${b.value}}`, b)],
  ],
  'non-finite-value': [
    ['string-NaN', (b) => obj('"NaN"', b)],
    ['string-Infinity', (b) => obj('"Infinity"', b)],
    // Valid JSON that JSON.parse turns into ±Infinity.
    ['1e999', (b) => obj('1e999', b)],
    ['-1e999', (b) => obj('-1e999', b)],
  ],
  'missing-value': [
    ['no-value-key', (b) => `{"ts":${b.ts},"unit":${JSON.stringify(b.unit)},"status":"ok"}`],
    ['misspelt-key', (b) => `{"val":${b.value},"ts":${b.ts},"unit":${JSON.stringify(b.unit)}}`],
    ['empty-object', () => '{}'],
    ['null-value', (b) => obj('null', b)],
  ],
  'unknown-unit': [
    ['furlong', (b) => `{"value":${b.value},"ts":${b.ts},"unit":"furlong","status":"ok"}`],
    ['%RH', (b) => `{"value":${b.value},"ts":${b.ts},"unit":"%RH","status":"ok"}`],
    ['bananas', (b) => `{"value":${b.value},"ts":${b.ts},"unit":"bananas","status":"ok"}`],
  ],
  'absurd-timestamp': [
    ['epoch-zero', (b) => obj(String(b.value), { ...b, ts: 0 })],
    ['year-2999', (b) => obj(String(b.value), { ...b, ts: Date.UTC(2999, 0, 1) })],
    ['microseconds', (b) => obj(String(b.value), { ...b, ts: b.ts * 1000 })],
    ['negative', (b) => obj(String(b.value), { ...b, ts: -1 })],
    ['unparseable', (b) => `{"value":${b.value},"ts":"yesterday","unit":${JSON.stringify(b.unit)}}`],
  ],
  oversized: [['padded-300KiB', (b) => pad(b)]],
  empty: [['zero-bytes', () => '']],
};

/** A well-formed reading grown past the limit by a junk field, as a chatty gateway's debug dump. */
function pad(b: GarbageBasis): string {
  const head = obj(String(b.value), b, ',"debug":"');
  return head + 'x'.repeat(OVERSIZED_BYTES - head.length - 2) + '"}';
}

/** A malformed payload of `kind`; the variant is drawn from `rng`. */
export function makeGarbage(kind: GarbageKind, basis: GarbageBasis, rng: Rng): { payload: string; tag: GarbageTag } {
  const [variant, make] = rng.pick(VARIANTS[kind]);
  return { payload: make(basis), tag: { kind, variant } };
}

export function garbageVariants(kind: GarbageKind): string[] {
  return VARIANTS[kind].map(([name]) => name);
}
