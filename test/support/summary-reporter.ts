/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, after vitest's own summary, so a
 * CI that reads closing lines sees the counts without colour codes or layout.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules)
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    // A file that fails to load has no tests: count it as a failure, never as nothing.
    for (const m of modules) if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++;
    failed += unhandledErrors.length;
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
