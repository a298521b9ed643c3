/** The one glob form config needs (`sites/*.yaml`): wildcards in the file name only. */
import { readdir } from 'node:fs/promises';
import path from 'node:path';

export type GlobResult = { ok: true; files: string[] } | { ok: false; reason: string };

function nameRegex(base: string): RegExp {
  const body = base
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^$()|\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/** Does `file` (absolute) match `pattern` (absolute)? Hidden files (editor swap files) never match. */
export function matchesGlob(file: string, pattern: string): boolean {
  const name = path.basename(file);
  return (
    path.dirname(file) === path.dirname(pattern) &&
    !name.startsWith('.') &&
    nameRegex(path.basename(pattern)).test(name)
  );
}

/** Absolute, sorted paths of the files matching `pattern` (absolute; `*` and `?` in the last segment). */
export async function expandGlob(pattern: string): Promise<GlobResult> {
  const dir = path.dirname(pattern);
  if (/[*?[\]{}]/.test(dir)) return { ok: false, reason: 'only the file name may contain * or ?, not the directories' };
  if (/[[\]{}]/.test(path.basename(pattern))) return { ok: false, reason: 'only * and ? are supported as wildcards' };
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    const files = entries
      .filter((e) => !e.isDirectory())
      .map((e) => path.join(dir, e.name))
      .filter((f) => matchesGlob(f, pattern))
      .sort();
    return { ok: true, files };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, reason: `cannot list ${dir}: ${code === 'ENOENT' ? 'no such directory' : code}` };
  }
}
