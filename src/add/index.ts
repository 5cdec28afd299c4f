/**
 * `create-gin-app add resource <name> [dir] --field name:type[:modifiers] ...`:
 * a CRUD endpoint rendered from templates/resource, recorded in gin-app.json,
 * verified on a copy of the project, then written in one step.
 */
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ANSWERS_FILE, answersFileText, fingerprint } from '../answers-file.js';
import { CliError, usageError } from '../errors.js';
import { onInterrupt } from '../interrupt.js';
import { planUpdate } from '../merge/plan.js';
import { command, misplaced, shellQuote, USAGE, type ParsedArgs } from '../options/flags.js';
import { inquirerAsker, type Asker } from '../options/prompts.js';
import { FIELD_TYPES, MODIFIERS_HELP, parseField, parseFields, parseResourceName, type Field, type Resource } from '../resources/fields.js';
import { checkToolchain, formatMergedGo, loadService, printDiffs, printPlan, readDisk, rendered, renderResource, type Io } from '../service.js';
import { VERSION } from '../version.js';
import { verify, type Step } from '../verify.js';
import { applyWrites, type Write } from '../write.js';
import { findClash, nextMigration } from './clashes.js';

export async function add(args: ParsedArgs, io: Io): Promise<void> {
  const [, what, nameArg, dirArg, extra] = args.positionals;
  if (what !== 'resource') throw usageError(what ? `cannot add "${what}": ${USAGE.add}` : `add what? ${USAGE.add}`);
  if (extra !== undefined) throw usageError(`unexpected argument "${extra}" (${USAGE.add})`);
  if (Object.keys(args.answers).length > 0) throw usageError(`add resource takes no service options: change those with ${command('update --set key=value')}`);
  misplaced(args, 'add');

  const { root, shown, answers, resources, generated, go } = await loadService(io, resolve(io.cwd, dirArg ?? '.'));
  const update = command(shown === '.' ? 'update' : `update ${shellQuote(shown)}`);
  if (answers.db === 'none') {
    throw usageError(`add resource needs a database, and ${shown} has none: add one first with ${update} --set db=sqlite (or mysql, postgres)`);
  }
  if (generated && !generated.has('internal/server/resources.go')) {
    throw usageError(`${shown} was generated before add resource existed: run ${update} first, which adds the wiring resources need`);
  }

  const asker = io.interactive ? await inquirerAsker() : undefined;
  const name = nameArg ?? (asker ? await askName(asker) : undefined);
  if (name === undefined) throw usageError(`add resource needs a name: ${USAGE.add}`);
  parseResourceName(name);
  if (resources.some((r) => r.name === name)) throw usageError(`resource ${name} was already added to ${shown} (it is in ${ANSWERS_FILE})`);
  const fields = args.fields.length > 0 ? parseFields(args.fields) : asker ? await askFields(asker) : undefined;
  if (!fields) throw usageError('no fields given: pass --field name:type[:modifiers] once per field (--yes and scripts never prompt)');

  const resource: Resource = { name, migration: nextMigration(root, resources.map((r) => r.migration)), fields };
  const before = rendered(answers, resources);
  const own = renderResource(answers, resource);
  // A file the service itself renders (the items example's, stores.go, metrics.go) cannot be the resource's.
  const generatedPath = [...own.keys()].find((p) => before.has(p));
  const skip = new Set([...own.keys()].filter((p) => !before.has(p)));
  const clash = findClash(root, name, own, skip);
  if (clash) throw usageError(clash);
  if (generatedPath) throw usageError(`resource ${name} would write ${generatedPath}, which create-gin-app writes for the service: choose another name`);
  const after = rendered(answers, [...resources, resource]);
  // Only what adding the resource changes: its own files and the wiring.
  // go.mod is go mod tidy's to change (verification), as after create.
  const paths = [...after.keys()].filter((p) => before.get(p) !== after.get(p) && p !== 'go.mod');
  const taken = [...skip].find((p) => existsSync(join(root, p)));
  if (taken) throw usageError(`resource ${name} would write ${taken}, which already exists`);

  const pick = (files: Map<string, string>) => new Map(paths.flatMap((p) => (files.has(p) ? [[p, files.get(p)!] as const] : [])));
  const changes = planUpdate(pick(before), pick(after), readDisk(root, paths), generated);
  formatMergedGo(changes);
  const conflicted = changes.filter((c) => c.action === 'conflict');
  if (conflicted.length > 0) {
    throw new CliError(
      `your edits to ${conflicted.map((c) => c.path).join(', ')} conflict with the wiring of ${name}; nothing was written`,
      1,
      'create-gin-app writes those files; move your code to files of your own, then add the resource again.',
    );
  }
  const visible = changes.filter((c) => c.action !== 'unchanged');
  io.out(`Plan for ${shown}: add resource ${name} (${fields.length} field${fields.length === 1 ? '' : 's'}, migration ${String(resource.migration).padStart(4, '0')})`);
  printPlan(io, visible);
  io.out(`  update   ${ANSWERS_FILE}`);
  if (args.run['dry-run']) {
    await printDiffs(io, root, visible);
    return;
  }

  const writes: Write[] = visible.flatMap((c) => (c.content !== undefined ? [{ path: c.path, content: c.content }] : []));
  const verifying = !args.run['no-verify'];
  if (verifying) {
    checkToolchain(go, answers);
    const tidied = await verifyOnCopy(root, writes, io);
    for (const w of tidied) io.out(`  update   ${w.path} (as go mod tidy left it)`);
    writes.push(...tidied);
  }
  // What the generator last wrote: as before for every other file, the new render for these.
  const fingerprints = Object.fromEntries(generated ?? [...before].map(([p, content]) => [p, fingerprint(content)] as const));
  for (const p of paths) fingerprints[p] = fingerprint(after.get(p)!);
  applyWrites(root, [
    ...writes,
    // Last, as update does: until it is rewritten, the resource is not recorded.
    { path: ANSWERS_FILE, content: answersFileText(answers, VERSION, fingerprints, [...resources, resource]) },
  ]);

  const base = `${answers.prefix}/${name}`;
  io.out(`Added resource ${name} to ${shown}${verifying ? ', verified' : ' (not verified: run go mod tidy && go build ./...)'}:`);
  io.out(`  POST ${base}, GET ${base}?limit=&cursor=, GET/PUT/PATCH/DELETE ${base}/:id`);
  io.out(`  internal/database/${name}.go (model and store), internal/server/${name}.go (handlers), their tests, and the migration`);
}

/**
 * The project's own check of api/openapi.yaml against the routes Gin serves
 * (and of the document's validity): verification runs it when the document
 * is among the writes, so that a resource whose paths and routes disagree
 * is refused like one that does not build.
 */
export const DOCUMENT_STEP: Step = {
  title: "go test -run '^TestDocumentListsEveryRoute$' ./internal/server/",
  cmd: 'go',
  args: ['test', '-count=1', '-run', '^TestDocumentListsEveryRoute$', './internal/server/'],
};

/**
 * Runs the verification (go mod tidy, gofmt -l, go vet, go build, and
 * DOCUMENT_STEP when api/openapi.yaml changes) on a copy of the project next
 * to it, with the new files in, so that a failure leaves the project as it
 * was. Returns go.mod and go.sum as tidy left them, when they changed.
 */
async function verifyOnCopy(root: string, writes: readonly Write[], io: Io): Promise<Write[]> {
  const copy = join(dirname(root), `.${basename(root)}.create-gin-app-${process.pid}-add`);
  const cleanup = () => rmSync(copy, { recursive: true, force: true });
  const release = onInterrupt(cleanup);
  try {
    cpSync(root, copy, { recursive: true, filter: (src) => !/(^|\/)(\.git|node_modules)$/.test(src) });
    applyWrites(copy, writes);
    await verify(copy, { log: io.out, progress: io.progress, after: writes.some((w) => w.path === 'api/openapi.yaml') ? [DOCUMENT_STEP] : [] });
    const tidied: Write[] = [];
    for (const f of ['go.mod', 'go.sum']) {
      const now = existsSync(join(copy, f)) ? readFileSync(join(copy, f), 'utf8') : undefined;
      const was = existsSync(join(root, f)) ? readFileSync(join(root, f), 'utf8') : undefined;
      if (now !== undefined && now !== was) tidied.push({ path: f, content: now });
    }
    return tidied;
  } catch (err) {
    if (err instanceof CliError) throw new CliError(`${err.message}; nothing was written`, err.exitCode, err.details);
    throw err;
  } finally {
    cleanup();
    release();
  }
}

async function askName(asker: Asker): Promise<string> {
  return asker.text('Resource name (plural snake_case, such as orders)', '', (v) => {
    try {
      parseResourceName(v);
      return true;
    } catch (err) {
      return (err as Error).message;
    }
  });
}

/** One prompt per field, in the --field syntax, until an empty answer. */
async function askFields(asker: Asker): Promise<Field[]> {
  const specs: string[] = [];
  for (;;) {
    const spec = await asker.text(
      `Field ${specs.length + 1} as name:type[:modifiers]${specs.length ? ', empty to finish' : ''} (types ${FIELD_TYPES.join(', ')}; modifiers ${MODIFIERS_HELP})`,
      '',
      (v) => {
        if (!v.trim()) return specs.length > 0 ? true : 'a resource needs at least one field';
        try {
          parseFields([...specs, v]);
          parseField(v);
          return true;
        } catch (err) {
          return (err as Error).message;
        }
      },
    );
    if (!spec.trim()) return parseFields(specs);
    specs.push(spec.trim());
  }
}
