/** `create-gin-app [dir]`: resolve answers, render, stage, verify, move into place. */
import { basename, relative, resolve } from 'node:path';
import { usageError } from './errors.js';
import { findGo } from './go-toolchain.js';
import { equivalentCommands, misplaced, shellQuote, type ParsedArgs } from './options/flags.js';
import { inquirerAsker } from './options/prompts.js';
import { resolveAnswers } from './options/resolve.js';
import type { Answers } from './options/schema.js';
import { onInterrupt } from './interrupt.js';
import type { ProgressSink } from './progress.js';
import { checkToolchain, minGo, renderFiles, type Io } from './service.js';
import { mark } from './timing.js';

import { verify, verifyInWorkspace } from './verify.js';
import { detectMonorepo, type Monorepo } from './monorepo/detect.js';
import { joinWorkspace, writeGateway } from './monorepo/workspace.js';
import { checkTarget, stage } from './write.js';

export const DEFAULT_DIR = 'gin-app';

export async function create(args: ParsedArgs, io: Io): Promise<void> {
  if (args.positionals.length > 1) throw usageError(`unexpected argument "${args.positionals[1]}" (one directory at most)`);
  misplaced(args, 'create');
  const asker = io.interactive ? await inquirerAsker() : undefined;
  let dir = args.positionals[0];
  if (dir === undefined) {
    dir = asker ? await asker.text('Project directory', DEFAULT_DIR, (v) => (v.trim() ? true : 'a directory is needed')) : DEFAULT_DIR;
  }
  dir = dir.trim();
  const target = resolve(io.cwd, dir);
  const verifying = !args.run['no-verify'];
  await checkTarget(target, Boolean(args.run.force));
  mark('args');

  const go = findGo();
  mark('go toolchain');
  const mono = detectMonorepo(target);
  const answers = await resolveAnswers({
    given: args.answers,
    ctx: { dirName: basename(target), localGo: go?.language, monorepo: mono },
    minGo,
    asker,
  });
  mark('answers');
  if (verifying && !args.run['dry-run']) checkToolchain(go, answers);

  const shown = relative(io.cwd, target) || '.';
  if (args.run['dry-run']) {
    const files = renderFiles(answers);
    io.out(`Would create ${files.length} files in ${shown}:`);
    for (const f of files) io.out(`  ${f.path} (${Buffer.byteLength(f.content)} bytes)`);
    return;
  }
  let createWork = Boolean(args.run['go-work']);
  if (mono && !mono.hasGoWork && !createWork && asker) {
    createWork = await asker.confirm(`Create go.work at ${relative(io.cwd, mono.root) || '.'} with this service?`, true);
  }
  await generate({ target, answers, verify: verifying, log: io.out, progress: io.progress });
  if (mono) await joinMonorepo(mono, { createWork, verify: verifying, log: io.out, target, progress: io.progress });

  io.out(`Created module ${answers.module} in ${shown}${verifying ? ', verified' : ' (not verified: run go mod tidy before building)'}.`);
  io.out('');
  for (const line of nextSteps(shown, answers, verifying)) io.out(line);
  if (io.interactive) {
    io.out('');
    io.out('Same service, no questions asked (for CI and scripts), either form:');
    for (const command of equivalentCommands(dir, answers)) io.out(`  ${command}`);
  }
}

/**
 * What to type next. Without verification go.sum does not exist yet, so
 * `go mod tidy` comes first (else `make run` stops at "missing go.sum entry").
 * The directory is quoted for a POSIX shell when it needs to be.
 */
export function nextSteps(shown: string, answers: Answers, verified: boolean): string[] {
  return [
    'Next:',
    ...(shown === '.' ? [] : [`  cd ${shellQuote(shown)}`]),
    ...(verified ? [] : ['  go mod tidy']),
    '  make run',
    `  curl localhost:${answers.port}${answers.prefix}/ping`,
  ];
}

/** go.work membership, a workspace build, and the gateway files: what a service inside a monorepo adds. */
export async function joinMonorepo(
  mono: Monorepo,
  opts: { createWork: boolean; verify: boolean; target: string; log(line: string): void; progress?: ProgressSink },
): Promise<void> {
  const where = relative(process.cwd(), mono.root) || '.';
  const work = await joinWorkspace(mono.root, mono.rel, opts.createWork);
  if (work === 'skipped') {
    opts.log(`Monorepo ${where}: no go.work there; pass --go-work to create one (go work init . && go work use ./${mono.rel}).`);
  } else {
    opts.log(`Monorepo ${where}: ${work === 'created' ? 'created go.work with' : 'added to go.work:'} ./${mono.rel}`);
    if (opts.verify) await verifyInWorkspace(opts.target, opts.log, opts.progress);
  }
  for (const path of writeGateway(mono.root)) opts.log(`Monorepo ${where}: wrote ${path}`);
}

/**
 * Renders, stages, verifies and moves the service into place: the one
 * pipeline behind the CLI and the plop generator. On failure or Ctrl-C the
 * target is left as it was.
 */
export async function generate({ target, answers, verify: verifying, log, progress }: { target: string; answers: Answers; verify: boolean; log(line: string): void; progress?: ProgressSink }): Promise<void> {
  const files = renderFiles(answers);
  mark('render');
  const staged = await stage(target, files);
  mark('write');
  const release = onInterrupt(staged.abort);
  try {
    if (verifying) await verify(staged.dir, { log, progress });
    mark('verify');
    await staged.commit();
    mark('write');
  } catch (err) {
    staged.abort();
    throw err;
  } finally {
    release();
  }
}
