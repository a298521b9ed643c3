/**
 * One YAML config file, parsed with eemeli `yaml` so every node keeps its source range: schema and
 * semantic issues are reported at the line and column of the key or value they are about.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { IssuePath, LoadIssue, Pos } from './issues.js';
import { substitute } from './substitute.js';

export interface SourceFile {
  abs: string;
  /** As shown in error lines. */
  display: string;
  /** Read and valid YAML: `data` holds its content (undefined for an empty file). */
  parsed: boolean;
  /**
   * The source, kept to locate issues. The parsed document is dropped once its data is taken and
   * re-parsed only for a file with issues: a fleet's documents would hold hundreds of MB.
   */
  text: string | undefined;
  doc: Document.Parsed | undefined;
  lines: LineCounter;
  /** Plain data after substitution; undefined when the file could not be read or is not valid YAML. */
  data: unknown;
  secretPaths: IssuePath[];
  failedPaths: IssuePath[];
  /** Secret files read for `${file:…}`. */
  secretFiles: string[];
}

/** Paths in error lines: relative to the working directory when below it, else absolute. */
export function displayPath(abs: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

const AT_START: Pos = { line: 1, col: 1 };

export async function readSource(
  abs: string,
  env: NodeJS.ProcessEnv,
  secrets: Set<string>,
  issues: LoadIssue[],
): Promise<SourceFile> {
  const display = displayPath(abs);
  const src: SourceFile = {
    abs,
    display,
    parsed: false,
    text: undefined,
    doc: undefined,
    lines: new LineCounter(),
    data: undefined,
    secretPaths: [],
    failedPaths: [],
    secretFiles: [],
  };
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code);
    issues.push({ file: display, path: [], label: '(file)', pos: AT_START, message: `cannot read the file: ${why}` });
    return src;
  }
  // `merge: true` lets operators share setpoints with YAML anchors and `<<: *defaults`.
  src.text = text;
  // Line positions are needed only for errors: a fleet's valid files skip the line counter, and
  // a file with errors is parsed again with one.
  let doc = parseDocument(text, { merge: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    doc = parseDocument(text, { lineCounter: src.lines, merge: true, prettyErrors: true });
    src.doc = doc;
    // The parser often reports one slip several times at the same spot; the first says it best.
    const seen = new Set<string>();
    for (const e of doc.errors) {
      const at = `${e.linePos?.[0]?.line}:${e.linePos?.[0]?.col}`;
      if (seen.has(at)) continue;
      seen.add(at);
      issues.push({
        file: display,
        path: [],
        label: '(syntax)',
        pos: e.linePos?.[0] ? charPos(src, e.linePos[0]) : AT_START,
        // The first line without the " at line X, column Y" the position column already says.
        message: (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ''),
      });
    }
    return src;
  }
  // Most files (a fleet's site files) have no `${`: walking their documents would be wasted.
  if (text.includes('${')) {
    const sub = await substitute(doc, path.dirname(abs), env, secrets, (p, message) =>
      issues.push({ file: display, path: p, message }),
    );
    src.secretPaths = sub.secretPaths;
    src.failedPaths = sub.failedPaths;
    src.secretFiles = sub.files;
  }
  src.data = doc.toJS({ maxAliasCount: 1000 });
  src.parsed = true;
  return src;
}

function keyOf(node: unknown): string {
  return String(isScalar(node) ? node.value : node);
}

/**
 * Line and column of `path` in the file: the key itself (`at: 'key'`) or its value. A path that
 * does not exist in the source (a missing key, a value merged from an anchor) falls back to the
 * nearest enclosing node, which is where the operator has to add or fix something.
 */
export function locate(src: SourceFile, at: IssuePath, target: 'key' | 'value' = 'value'): Pos {
  if (!src.doc && src.text !== undefined) {
    src.lines = new LineCounter();
    src.doc = parseDocument(src.text, { lineCounter: src.lines, merge: true });
  }
  const doc = src.doc;
  if (!doc) return AT_START;
  let node: unknown = doc.contents;
  let offset = (node as { range?: [number] } | null)?.range?.[0] ?? 0;
  for (let i = 0; i < at.length && node; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const seg = at[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => keyOf(p.key) === String(seg));
      if (!pair) break;
      const keyRange = (pair.key as { range?: [number] } | null)?.range;
      const valueRange = (pair.value as { range?: [number] } | null)?.range;
      if ((i === at.length - 1 && target === 'key') || !valueRange) {
        offset = keyRange?.[0] ?? offset;
        break;
      }
      node = pair.value;
      offset = valueRange[0];
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      node = node.items[seg];
      offset = (node as { range?: [number] } | null)?.range?.[0] ?? offset;
    } else break;
  }
  return charPos(src, src.lines.linePos(offset));
}

/**
 * The YAML parser counts columns in UTF-16 units; people and editors count characters. They differ
 * after a character outside the BMP (rare CJK ideographs such as 𠀋 in a name, emoji): recount.
 */
function charPos(src: SourceFile, pos: Pos): Pos {
  const start = src.lines.lineStarts[pos.line - 1];
  if (src.text === undefined || start === undefined) return pos;
  const before = src.text.slice(start, start + pos.col - 1);
  return { line: pos.line, col: [...before].length + 1 };
}

/** True when `path` is `prefix` or lies below it. */
export function isUnder(p: IssuePath, prefix: IssuePath): boolean {
  return prefix.length <= p.length && prefix.every((s, i) => String(s) === String(p[i]));
}
