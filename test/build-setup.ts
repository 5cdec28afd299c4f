/**
 * Builds dist/ before the e2e tiers, once per vitest run however many tiers
 * run: a single e2e file run on its own never tests a stale bundle.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../scripts/go-tools.mjs';

export default function setup(): void {
  if (process.env.CREATE_GIN_APP_DIST_BUILT === '1') return;
  execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  process.env.CREATE_GIN_APP_DIST_BUILT = '1';
}
