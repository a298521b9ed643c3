/**
 * Whether a setting of gaswatch.yaml applies live or needs a restart (STYLE habit 15). The answer
 * is metadata beside the setting in the schema — `.meta({ apply: 'restart' })` on a key or a section
 * — read here by both the reload (which keeps the running value of a restart-only setting) and its
 * report (which says which changes applied and which wait for a restart). Unmarked settings apply live.
 */
import type { z } from 'zod';
import { Main } from './schema.js';

export type ApplyMode = 'live' | 'restart';

/** Zod wrappers (default, prefault, optional, pipe…) around an object or leaf, unwrapped. */
function unwrap(s: z.ZodType): z.ZodType {
  let cur = s as unknown as { _zod: { def: Record<string, unknown> } };
  for (let i = 0; i < 10; i++) {
    const def = cur._zod.def;
    const inner = (def.innerType ?? (def.type === 'pipe' ? def.in : undefined)) as typeof cur | undefined;
    if (!inner) break;
    cur = inner;
  }
  return cur as unknown as z.ZodType;
}

function modeOf(s: z.ZodType): ApplyMode | undefined {
  // Metadata may sit on any wrapper layer (`.prefault({}).meta(…)` or `.meta(…).optional()`).
  let cur = s as unknown as { meta(): Record<string, unknown> | undefined; _zod: { def: Record<string, unknown> } };
  for (let i = 0; i < 10 && cur; i++) {
    const m = cur.meta()?.apply;
    if (m === 'live' || m === 'restart') return m;
    const def = cur._zod.def;
    cur = (def.innerType ?? (def.type === 'pipe' ? def.in : undefined)) as typeof cur;
  }
  return undefined;
}

/** How a change at `path` (e.g. ['mqtt', 'url']) of the main file applies: the nearest marked node decides. */
export function applyMode(path: readonly string[], schema: z.ZodType = Main): ApplyMode {
  let node: z.ZodType | undefined = schema;
  let mode: ApplyMode = modeOf(schema) ?? 'live';
  for (const key of path) {
    const obj: z.ZodType | undefined = node ? unwrap(node) : undefined;
    const shape: Record<string, z.ZodType> | undefined = (obj as unknown as { shape?: Record<string, z.ZodType> })
      ?.shape;
    node = shape?.[key];
    if (!node) break;
    mode = modeOf(node) ?? mode;
  }
  return mode;
}
