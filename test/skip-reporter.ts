/**
 * Lists, after vitest's summary, every test that skipped itself at run time
 * with ctx.skip(reason): the ones a missing tool or privilege turns off, so
 * none is skipped silently. Tests left out by a filter (-t, a file name) have
 * no reason and are not listed.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SkipReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    for (const mod of testModules) {
      for (const test of mod.children.allTests('skipped')) {
        const result = test.result();
        const note = result.state === 'skipped' ? result.note : undefined;
        if (note) skipped.push(`  ${mod.relativeModuleId} > ${test.fullName}: ${note}`);
      }
    }
    if (skipped.length) console.log(`\n${skipped.length} test(s) skipped for a missing tool or privilege:\n${skipped.join('\n')}\n`);
  }
}
