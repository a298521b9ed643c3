/**
 * Config problems and their one-line form `FILE:LINE:COL  path.to.field  message` (SPEC §6):
 * an operator must be able to fix a typo from that line alone, and every problem is reported at once.
 */

import { redactText, secretList } from '../util/redact.js';

export interface Pos {
  line: number;
  col: number;
}

export type IssuePath = (string | number)[];

export interface LoadIssue {
  /** File as shown to the operator (relative to the working directory when below it). */
  file: string;
  path: IssuePath;
  message: string;
  /** Where in the file; filled from the YAML source ranges when not known up front. */
  pos?: Pos;
  /** Point at the key itself (unknown keys) rather than its value. */
  at?: 'key' | 'value';
  /** Shown in place of the path when the problem is not about a field (YAML syntax, unreadable file). */
  label?: string;
}

export function formatPath(path: IssuePath): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

/**
 * The whole line passes through the redaction rule: a file name can be a substituted secret too
 * (`profiles: ${file:…}` whose content is not a path, issue 11).
 */
export function formatIssue(i: LoadIssue & { pos: Pos }, secrets: ReadonlySet<string> = new Set()): string {
  return redact(`${i.file}:${i.pos.line}:${i.pos.col}  ${i.label ?? formatPath(i.path)}  ${i.message}`, secrets);
}

/**
 * Orders issues by file (in load order), then position, and drops exact repeats: the golden tests
 * and the operator both need a stable list.
 */
export function sortIssues<T extends LoadIssue & { pos: Pos }>(issues: T[], fileOrder: string[]): T[] {
  const rank = (f: string) => {
    const r = fileOrder.indexOf(f);
    return r < 0 ? fileOrder.length : r;
  };
  const sorted = [...issues].sort(
    (a, b) =>
      rank(a.file) - rank(b.file) ||
      a.file.localeCompare(b.file) ||
      a.pos.line - b.pos.line ||
      a.pos.col - b.pos.col ||
      formatPath(a.path).localeCompare(formatPath(b.path)) ||
      a.message.localeCompare(b.message),
  );
  return sorted.filter((i, n) => n === 0 || formatIssue(i) !== formatIssue(sorted[n - 1] as T));
}

/** Masks every substituted secret and credential in `text` (the one rule, src/util/redact.ts). */
export function redact(text: string, secrets: ReadonlySet<string>): string {
  return redactText(text, secretList(secrets));
}
