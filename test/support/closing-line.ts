import type { Reporter, TestModule } from 'vitest/node';

/** Ends a run with one plain line, `Tests: N passed, N failed, N skipped`, that CI can read. */
export default class ClosingLine implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
    }
    // Printed at exit, after the default reporter's summary (stdout to a pipe or file is synchronous on Linux).
    process.once('exit', () => console.log(`\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`));
  }
}
