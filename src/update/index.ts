/** `create-gin-app update [dir]`: re-render a generated service after its answers change, keeping every edit. */
import { basename, resolve } from 'node:path';
import { ANSWERS_FILE, renderAnswersFile } from '../answers-file.js';
import { CliError, usageError } from '../errors.js';
import { planUpdate } from '../merge/plan.js';
import { writeGateway } from '../monorepo/workspace.js';
import { command, misplaced, shellQuote, type ParsedArgs } from '../options/flags.js';
import { inquirerAsker } from '../options/prompts.js';
import { resolveAnswers } from '../options/resolve.js';
import { checkToolchain, formatMergedGo, loadService, minGo, printDiffs, printPlan, readDisk, rendered, type Io } from '../service.js';
import { VERSION } from '../version.js';
import { verify } from '../verify.js';
import { applyWrites, type Write } from '../write.js';
import { adoptRetiredBases } from './retired.js';

export async function update(args: ParsedArgs, io: Io): Promise<void> {
  if (args.positionals.length > 2) throw usageError(`unexpected argument "${args.positionals[2]}" (update takes one directory at most)`);
  misplaced(args, 'update');
  const checking = Boolean(args.run.check);
  if (checking && args.run['dry-run']) throw usageError('--check and --dry-run do not go together (--check already writes nothing)');
  const root = resolve(io.cwd, args.positionals[1] ?? '.');
  // An answers file from an older version may lack newer options: today's defaults fill the gaps.
  const { shown, version, resources, generated, go, mono, answers: before } = await loadService(io, root);
  const after = await resolveAnswers({
    given: args.answers,
    prefill: before,
    ctx: { dirName: basename(root), localGo: go?.language, monorepo: mono },
    minGo,
    asker: io.interactive && !checking ? await inquirerAsker() : undefined,
  });
  if (after.db === 'none' && resources.length > 0) {
    throw usageError(`--db none: the resources ${resources.map((r) => r.name).join(', ')} need a database (remove them from ${ANSWERS_FILE} and their files first)`);
  }
  const verifying = !args.run['no-verify'] && !args.run['dry-run'] && !checking;
  if (verifying) checkToolchain(go, after);

  if (version !== VERSION && !generated) {
    io.out(`Note: ${ANSWERS_FILE} comes from create-gin-app ${version}; the base is re-rendered with ${VERSION}, so template changes since then count as updates.`);
  }
  const base = rendered(before, resources);
  // A file edited since a generator release changed its layout: its true base.
  adoptRetiredBases(base, before, generated);
  const theirs = rendered(after, resources);
  const changes = planUpdate(base, theirs, readDisk(root, new Set([...base.keys(), ...theirs.keys(), ...(generated?.keys() ?? [])])), generated);
  const visible = changes.filter((c) => c.action !== 'unchanged');
  if (!checking) formatMergedGo(visible);

  io.out(visible.length ? `Plan for ${shown}:` : `${shown} is up to date with its answers.`);
  printPlan(io, visible);

  if (checking) {
    // What update would write; files kept as they are ("keep") are not drift.
    const drift = visible.filter((c) => c.action !== 'keep');
    if (drift.length > 0) {
      throw new CliError(
        `update --check: ${drift.length} file(s) would change: ${drift.map((c) => c.path).join(', ')}`,
        1,
        `The files differ from what create-gin-app ${VERSION} renders from ${ANSWERS_FILE}. Run: ${command(shown === '.' ? 'update' : `update ${shellQuote(shown)}`)}`,
      );
    }
    io.out(`update --check: no file would change.`);
    return;
  }

  if (args.run['dry-run']) {
    await printDiffs(io, root, visible);
    return;
  }

  applyWrites(root, [
    ...visible.flatMap((c): Write[] =>
      c.content !== undefined ? [{ path: c.path, content: c.content }] : c.action === 'remove' ? [{ path: c.path, remove: true }] : [],
    ),
    // Last: until it is rewritten, a rerun still sees the old answers as the base.
    { path: ANSWERS_FILE, content: renderAnswersFile(after, VERSION, [...theirs].map(([path, content]) => ({ path, content })), resources) },
  ]);

  const conflicted = visible.filter((c) => c.action === 'conflict');
  if (conflicted.length > 0) {
    throw new CliError(
      `${conflicted.length} file(s) have conflicts: ${conflicted.map((c) => c.path).join(', ')}`,
      1,
      'Your edits and the new answers change the same lines. Each conflict is marked in the file between\n' +
        '<<<<<<< yours and >>>>>>> create-gin-app (new answers). Resolve them, then run: go mod tidy && go build ./...',
    );
  }
  if (verifying) {
    try {
      await verify(root, { log: io.out, progress: io.progress });
    } catch (err) {
      throw explainAfterWrite(err, shown);
    }
  }
  if (mono) for (const path of writeGateway(mono.root)) io.out(`Monorepo: rewrote ${path}`);
  io.out(`Updated ${shown}${verifying ? ', verified' : ''}.`);
}

/** A verification failure after the files were written says so, and, for gofmt, what to run. */
function explainAfterWrite(err: unknown, shown: string): unknown {
  if (!(err instanceof CliError)) return err;
  const unformatted = /^gofmt -l lists unformatted files: (.+)$/.exec(err.message)?.[1];
  if (unformatted) {
    const files = unformatted.split(', ');
    return new CliError(
      `the update of ${shown} was written, but gofmt -l lists files you edited that are not gofmt-clean: ${files.join(', ')}`,
      1,
      `Format them, then verify: cd ${shellQuote(shown)} && gofmt -w ${files.map(shellQuote).join(' ')} && go vet ./... && go build ./...`,
    );
  }
  return new CliError(`the update of ${shown} was written, but ${err.message}`, err.exitCode, err.details);
}
