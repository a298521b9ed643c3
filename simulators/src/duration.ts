/** Durations as written on the command line and in options: `500ms`, `30s`, `10m`, `2h`, `1d`. */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds of `text`, which is one or more `<number><unit>` terms (`1h30m`), or `inf`/`forever`
 * for a run without end. A bare number is refused: the daemon's config reads it as milliseconds and a
 * person typing `--duration 30` usually means seconds, so the simulator asks for the unit instead.
 */
export function parseDuration(text: string): number {
  const s = text.trim().toLowerCase();
  if (s === 'inf' || s === 'infinity' || s === 'forever') return Number.POSITIVE_INFINITY;
  const term = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/y;
  let total = 0;
  let pos = 0;
  let terms = 0;
  while (pos < s.length) {
    term.lastIndex = pos;
    const m = term.exec(s);
    if (m === null) break;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    pos = term.lastIndex;
    terms++;
    while (s[pos] === ' ') pos++;
  }
  if (terms === 0 || pos !== s.length) {
    throw new Error(`invalid duration "${text}": expected e.g. 500ms, 30s, 10m, 2h, 1d, 1h30m or inf`);
  }
  return total;
}

/** A short human form of a duration in milliseconds: `1h 30m`, `45s`, `250ms`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'forever';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest}s`);
  return parts.join(' ');
}
