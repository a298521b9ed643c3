/**
 * Target 5 of issue 10: the fault tests still store every reading — SIGKILL of the daemon, an
 * InfluxDB outage, a broker restart, the spool bound (test/e2e/nothing-lost-*.test.ts). They are
 * tests, not timings: the bench runs them with vitest and reports what passed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface FaultsResult {
  files: number;
  passed: number;
  failed: number;
  names: string[];
  failures: string[];
}

interface VitestJson {
  testResults?: { name: string; assertionResults?: { fullName: string; status: string }[] }[];
}

export async function benchFaults(): Promise<FaultsResult> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gaswatch-bench-faults-'));
  const out = path.join(dir, 'vitest.json');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          path.join(ROOT, 'node_modules/vitest/vitest.mjs'),
          'run',
          'test/e2e/nothing-lost-',
          '--reporter=json',
          `--outputFile=${out}`,
        ],
        { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
      );
      child.once('error', reject);
      child.once('exit', () => resolve());
    });
    const json = JSON.parse(await readFile(out, 'utf8')) as VitestJson;
    const tests = (json.testResults ?? []).flatMap((f) => f.assertionResults ?? []);
    const res: FaultsResult = {
      files: json.testResults?.length ?? 0,
      passed: tests.filter((t) => t.status === 'passed').length,
      failed: tests.filter((t) => t.status !== 'passed').length,
      names: tests.map((t) => `${t.status === 'passed' ? '✓' : '✗'} ${t.fullName}`),
      failures: tests.filter((t) => t.status !== 'passed').map((t) => t.fullName),
    };
    for (const n of res.names) console.log(`  ${n}`);
    return res;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
