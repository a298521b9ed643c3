/**
 * `${env:NAME}` and `${file:PATH}` in YAML string values (SPEC §6), so secrets stay out of the
 * config files. `$${` writes a literal `${`. Substitution happens on the parsed YAML document, so the
 * values never pass through the YAML parser (a password with `: ` or `#` stays intact) and keys are
 * never substituted. Substituted values are returned as secrets: messages must never show them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { IssuePath } from './issues.js';
import { didYouMean } from './suggest.js';

const TOKEN = /\$\$\{|\$\{([A-Za-z]+):([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SCHEMES = ['env', 'file'];
/**
 * Fields whose substituted values name someone rather than prove it: not masked in output (a user
 * "gaswatch" would otherwise mask every "gaswatch" in every log line). Still never quoted in errors.
 */
const IDENTIFIERS: ReadonlySet<string> = new Set(['username', 'user']);

export interface SubstitutionResult {
  /** Paths of values that contain a substituted secret. */
  secretPaths: IssuePath[];
  /** Paths whose substitution failed: schema issues there would only repeat the problem. */
  failedPaths: IssuePath[];
  /** Absolute paths of the secret files read (watched for rotation). */
  files: string[];
}

export type Report = (path: IssuePath, message: string) => void;

export async function substitute(
  doc: Document,
  baseDir: string,
  env: NodeJS.ProcessEnv,
  secrets: Set<string>,
  report: Report,
): Promise<SubstitutionResult> {
  const result: SubstitutionResult = { secretPaths: [], failedPaths: [], files: [] };

  const expand = async (text: string, at: IssuePath): Promise<string | undefined> => {
    let out = '';
    let last = 0;
    let secret = false;
    let failed = false;
    for (const m of text.matchAll(TOKEN)) {
      out += text.slice(last, m.index);
      last = (m.index as number) + m[0].length;
      if (m[0] === '$${') {
        out += '${';
        continue;
      }
      const [, scheme = '', arg = ''] = m;
      if (scheme === 'env') {
        const name = arg.trim();
        const value = ENV_NAME.test(name) ? env[name] : undefined;
        if (!ENV_NAME.test(name)) report(at, `"\${env:${arg}}": "${arg}" is not an environment variable name`);
        else if (value === undefined) report(at, `environment variable ${name} is not set (\${env:${name}})`);
        if (value === undefined) failed = true;
        else {
          out += value;
          if (!IDENTIFIERS.has(String(at.at(-1)))) secrets.add(value);
          secret = true;
        }
      } else if (scheme === 'file') {
        const file = path.resolve(baseDir, arg.trim());
        try {
          // A trailing newline is an editor artefact, never part of a password.
          const value = (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
          out += value;
          if (!IDENTIFIERS.has(String(at.at(-1)))) secrets.add(value);
          secret = true;
          result.files.push(file);
        } catch (err) {
          failed = true;
          report(at, `cannot read secret file "${arg.trim()}" (\${file:…}): ${(err as NodeJS.ErrnoException).code}`);
        }
      } else {
        failed = true;
        report(
          at,
          `unknown substitution "\${${scheme}:…}"${didYouMean(scheme, SCHEMES)}: use \${env:NAME} or \${file:PATH}`,
        );
      }
    }
    if (secret) result.secretPaths.push(at);
    if (failed) {
      result.failedPaths.push(at);
      return;
    }
    return out + text.slice(last);
  };

  // A plain walk collects the few scalars with a `${`; only those are awaited (a fleet's site
  // files have hundreds of thousands of nodes and almost no secrets).
  const found: { node: Node & { value: unknown }; at: IssuePath }[] = [];
  const walk = (node: unknown, at: IssuePath): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        walk(pair.value, [...at, String(key)]);
      }
    } else if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) walk(item, [...at, i]);
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('${'))
      found.push({ node: node as Node & { value: unknown }, at });
  };
  walk(doc.contents, []);
  for (const { node, at } of found) {
    // A failed substitution leaves an empty string, never the placeholder, so nothing downstream
    // mistakes "${env:X}" for a real password.
    node.value = (await expand(node.value as string, at)) ?? '';
  }
  return result;
}
