import { defineConfig } from 'vitest/config';
import SkipReporter from './test/skip-reporter.js';

/**
 * Four tiers, each a vitest project (npm run test:<tier>; npm test runs all):
 * - unit: the CLI's modules in-process; no Go, no servers, no network (it
 *   passes with Go removed from PATH: test/e2e/tiers.test.ts proves it).
 * - cli: the built CLI run as a user runs it, the Go toolchain verifying
 *   what it generates; no servers.
 * - service: generated services started against the real PostgreSQL,
 *   MariaDB, Redis, nginx and Prometheus.
 * - matrix: the option-matrix gate.
 * The e2e tiers build dist/ first (test/build-setup.ts), so one file run on
 * its own never tests a stale bundle.
 */
const CLI = ['cli', 'interactive', 'module-paths', 'pack', 'plop', 'progress', 'update', 'verify', 'fresh-clone', 'tiers'];
const SERVICE = ['auth', 'ci', 'contract', 'create', 'data', 'edge', 'k8s', 'migrate', 'monorepo', 'observability', 'ops', 'resource', 'service'];
const e2e = (names: readonly string[]) => names.map((n) => `test/e2e/${n}.test.ts`);

// e2e tests run the Go toolchain, servers and nginx: generous limits, and
// few files at once on a 2-core machine.
const slow = { testTimeout: 300_000, hookTimeout: 300_000 };
// Checks the machine and installs the pinned Go linters, once per run.
const machine = ['test/build-setup.ts', 'test/global-setup.ts'];

export default defineConfig({
  test: {
    maxWorkers: 2,
    reporters: ['default', new SkipReporter()],
    projects: [
      // The property test of the merge engine takes seconds on a loaded machine.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      { test: { name: 'cli', include: e2e(CLI), globalSetup: ['test/build-setup.ts'], ...slow } },
      { test: { name: 'service', include: e2e(SERVICE), globalSetup: machine, ...slow } },
      { test: { name: 'matrix', include: e2e(['matrix']), globalSetup: machine, ...slow } },
    ],
  },
});
