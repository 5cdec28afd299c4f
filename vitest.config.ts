import { defineConfig } from 'vitest/config';
import SkipReporter from './test/skip-reporter.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Checks the machine and installs the pinned Go linters, once per run.
    globalSetup: ['test/global-setup.ts'],
    // e2e tests run the Go toolchain, servers and nginx: generous limits,
    // and few files at once on a 2-core machine.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    maxWorkers: 2,
    reporters: ['default', new SkipReporter()],
  },
});
