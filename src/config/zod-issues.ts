/**
 * zod issues rewritten for operators: "expected a number, got "abc"" at the offending value,
 * one line per unknown key with a did-you-mean, and never the value of a substituted secret.
 */
import type { z } from 'zod';
import type { IssuePath, LoadIssue } from './issues.js';
import { isUnder } from './source.js';
import { didYouMean } from './suggest.js';

type AnyIssue = z.core.$ZodIssue;
interface Def {
  type: string;
  [k: string]: unknown;
}
const defOf = (s: unknown): Def | undefined => (s as { _zod?: { def: Def } } | undefined)?._zod?.def;

/** The object schema reached by following `at` through wrappers, arrays, records and unions. */
export function knownKeysAt(schema: unknown, at: IssuePath, data?: unknown): string[] | undefined {
  const def = defOf(schema);
  if (!def) return undefined;
  const child = (seg: string | number | undefined) =>
    data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[String(seg)] : undefined;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return knownKeysAt(def.innerType, at, data);
    case 'pipe':
      return knownKeysAt(def.in, at, data);
    case 'union': {
      // A union tagged by `type` (notification channels): the option the document chose.
      const options = def.options as unknown[];
      const tag = child('type');
      const chosen = options.find((o) => literalOf(defOf(o)?.shape, 'type') === tag);
      for (const o of chosen ? [chosen] : options) {
        const k = knownKeysAt(o, at, data);
        if (k) return k;
      }
      return undefined;
    }
    case 'object': {
      const shape = def.shape as Record<string, unknown>;
      if (at.length === 0) return Object.keys(shape);
      return knownKeysAt(shape[String(at[0])], at.slice(1), child(at[0]));
    }
    case 'array':
      return at.length === 0 ? undefined : knownKeysAt(def.element, at.slice(1), child(at[0]));
    case 'record':
      return at.length === 0 ? undefined : knownKeysAt(def.valueType, at.slice(1), child(at[0]));
    case 'tuple':
      return at.length === 0
        ? undefined
        : knownKeysAt((def.items as unknown[])[Number(at[0])], at.slice(1), child(at[0]));
    default:
      return undefined;
  }
}

/** The value of a literal field `key` of an object schema's shape, if it is one. */
function literalOf(shape: unknown, key: string): unknown {
  const def = defOf((shape as Record<string, unknown> | undefined)?.[key]);
  const values = def?.type === 'literal' ? (def.values as unknown[] | undefined) : undefined;
  return values?.[0];
}

function valueAt(data: unknown, at: IssuePath): unknown {
  let v = data;
  for (const seg of at) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[String(seg)];
  }
  return v;
}

function hasKey(data: unknown, at: IssuePath): boolean {
  const parent = valueAt(data, at.slice(0, -1));
  return typeof parent === 'object' && parent !== null && String(at.at(-1)) in parent;
}

/** A short, safe description of what the operator wrote. */
function shown(v: unknown, hide: boolean): string {
  if (v === null) return 'null (an empty value)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (hide) return `a ${typeof v} (substituted value not shown)`;
  if (typeof v === 'string') return v.length > 40 ? `"${v.slice(0, 37)}…"` : `"${v}"`;
  return String(v);
}

const EXPECTED: Record<string, string> = {
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  object: 'a map (key: value)',
  array: 'a list',
  tuple: 'a list',
  int: 'a whole number',
};

export interface ZodIssueContext {
  file: string;
  /** Prefix of the paths: the record key when one entry is validated on its own. */
  base: IssuePath;
  schema: unknown;
  /** The input that was validated (the entry, not the whole file). */
  data: unknown;
  secretPaths: IssuePath[];
  failedPaths: IssuePath[];
}

export function fromZod(error: z.ZodError, ctx: ZodIssueContext): LoadIssue[] {
  const out: LoadIssue[] = [];
  for (const iss of error.issues) {
    const rel = iss.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const at = [...ctx.base, ...rel];
    // A failed ${env:…} was already reported; the empty string it left would only repeat it.
    if (ctx.failedPaths.some((p) => isUnder(at, p))) continue;
    const hide = ctx.secretPaths.some((p) => isUnder(at, p));
    const push = (message: string, extra: Partial<LoadIssue> = {}) =>
      out.push({ file: ctx.file, path: at, message, ...extra });
    const value = valueAt(ctx.data, rel);
    messageFor(iss, value, hide, rel, ctx, push);
  }
  return out;
}

function messageFor(
  iss: AnyIssue,
  value: unknown,
  hide: boolean,
  rel: IssuePath,
  ctx: ZodIssueContext,
  push: (message: string, extra?: Partial<LoadIssue>) => void,
): void {
  // zod reports an absent key as a wrong type, a wrong enum value or a failed union, by its schema.
  const absent = ['invalid_type', 'invalid_value', 'invalid_union'].includes(iss.code);
  if (absent && value === undefined && rel.length > 0 && !hasKey(ctx.data, rel)) {
    push(`missing required key "${String(rel.at(-1))}"`);
    return;
  }
  switch (iss.code) {
    case 'invalid_type':
      push(`expected ${EXPECTED[iss.expected] ?? iss.expected}, got ${shown(value, hide)}`);
      return;
    case 'invalid_union': {
      // Unions with a message of their own (durations, sizes) say what is expected in words.
      if (iss.message !== 'Invalid input') push(`${iss.message}, got ${shown(value, hide)}`);
      else {
        const expected = iss.errors.map((e) => {
          const first = e[0];
          if (first?.code === 'invalid_type') return EXPECTED[first.expected] ?? first.expected;
          if (first?.code === 'invalid_value') return first.values.map((x) => JSON.stringify(x)).join(' or ');
          return 'another form';
        });
        push(`expected ${[...new Set(expected)].join(' or ')}, got ${shown(value, hide)}`);
      }
      return;
    }
    case 'invalid_value': {
      const allowed = iss.values.map((x) => String(x));
      const hint = typeof value === 'string' && !hide ? didYouMean(value, allowed) : '';
      push(`${shown(value, hide)} is not one of: ${allowed.join(', ')}${hint}`);
      return;
    }
    case 'unrecognized_keys': {
      const known = knownKeysAt(ctx.schema, rel, ctx.data) ?? [];
      for (const key of iss.keys) {
        const hint = didYouMean(key, known);
        const list = !hint && known.length > 0 && known.length <= 16 ? ` (allowed: ${known.join(', ')})` : '';
        push(`unknown key "${key}"${hint}${list}`, { path: [...ctx.base, ...rel, key], at: 'key' });
      }
      return;
    }
    case 'invalid_key': {
      const inner = iss.issues[0]?.message ?? 'invalid name';
      push(`"${String(rel.at(-1))}" is not a valid name: ${inner}`, { at: 'key' });
      return;
    }
    case 'too_small':
    case 'too_big': {
      const small = iss.code === 'too_small';
      const bound = small
        ? (iss as { minimum: number | bigint }).minimum
        : (iss as { maximum: number | bigint }).maximum;
      const op = small ? (iss.inclusive ? '≥' : '>') : iss.inclusive ? '≤' : '<';
      if (iss.origin === 'string' && small && Number(bound) === 1) push('must not be empty');
      else if (iss.origin === 'array')
        push(
          `must have ${small ? 'at least' : 'at most'} ${bound} item${Number(bound) === 1 ? '' : 's'}` +
            (Array.isArray(value) ? `, has ${value.length}` : ''),
        );
      else if (iss.origin === 'string') push(`must be ${small ? 'at least' : 'at most'} ${bound} characters long`);
      else push(`must be ${op} ${bound}, got ${shown(value, hide)}`);
      return;
    }
    case 'invalid_format':
      push(`${iss.message.startsWith('Invalid') ? 'has the wrong format' : iss.message}, got ${shown(value, hide)}`);
      return;
    case 'not_multiple_of':
      push(`must be a multiple of ${iss.divisor}`);
      return;
    default:
      push(iss.message);
  }
}
