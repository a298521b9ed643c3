/**
 * Golden tests of the config errors (SPEC §6): each directory under fixtures/ is a broken
 * deployment, and loading it must yield exactly the lines in its expected.txt — position, path and
 * message. Run from the repository root (vitest does), since error lines show cwd-relative paths.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';

const FIXTURES = path.join('test', 'config', 'fixtures');
const cases = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
  .map((d) => d.name);

function envOf(dir: string): Record<string, string> {
  const f = path.join(dir, 'env.json');
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : {};
}

describe('config error lines', () => {
  it('has the fixtures the issue asks for', () => {
    expect(cases).toEqual(
      expect.arrayContaining([
        'unknown-key',
        'wrong-type',
        'bad-duration',
        'duplicate-id',
        'missing-profile',
        'unordered-setpoints',
        'outside-range',
        'invalid-unit',
        'unknown-gas',
        'lel-cap',
        'yaml-syntax',
        'main-syntax',
        'missing-env',
        'main-checks',
        // Chinese names on the erring lines, one outside the BMP (𠀋): columns count characters.
        'cjk-names',
      ]),
    );
  });

  it.each(cases)('%s', async (name) => {
    const dir = path.join(FIXTURES, name);
    const expected = readFileSync(path.join(dir, 'expected.txt'), 'utf8').trimEnd().split('\n');
    const result = await loadConfig(path.join(dir, 'gaswatch.yaml'), envOf(dir));
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors).toEqual(expected);
  });

  it('never prints a substituted secret, even where the value is invalid', async () => {
    const dir = path.join(FIXTURES, 'missing-env');
    const env = envOf(dir);
    const result = await loadConfig(path.join(dir, 'gaswatch.yaml'), env);
    const text = result.ok ? '' : result.errors.join('\n');
    expect(text).toContain('log.level');
    for (const secret of [env.GW_TEST_SECRET as string, 'influx-s3cret-pw']) expect(text).not.toContain(secret);
    // The same value, written literally (not substituted), is shown: the operator wrote it there.
    const literal = await loadConfig(path.join(FIXTURES, 'wrong-type', 'gaswatch.yaml'), {});
    expect(literal.ok ? '' : literal.errors.join('\n')).toContain('got "yes"');
  });
});
