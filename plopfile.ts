/**
 * The same generators for `npm run plop` (plop's own prompts): `service`
 * asks the options schema's questions and runs the CLI's pipeline (render,
 * stage, verify, move into place); `resource` asks for a resource and its
 * fields, checked by the resource schema, and runs `add resource`.
 */
import { basename, resolve } from 'node:path';
import type { NodePlopAPI } from 'node-plop';
import { DEFAULT_DIR, generate, joinMonorepo } from './src/create.js';
import { checkToolchain } from './src/service.js';
import { detectMonorepo } from './src/monorepo/detect.js';
import { findGo } from './src/go-toolchain.js';
import { resolveAnswers } from './src/options/resolve.js';
import { options, type Answers } from './src/options/schema.js';
import { requiredGo } from './src/plan.js';
import { checkTarget } from './src/write.js';
import { add } from './src/add/index.js';
import { parseFields, parseResourceName, FIELD_TYPES, MODIFIERS_HELP } from './src/resources/fields.js';

/** The fields answer: specs separated by spaces or commas. */
const fieldSpecs = (answer: string) => answer.split(/[\s,]+/).filter(Boolean);

/** A plop validate function from a parser that throws the one-line reason. */
const accepts = (parse: (value: string) => unknown) => (value: string) => {
  try {
    parse(value);
    return true;
  } catch (err) {
    return (err as Error).message;
  }
};

export default function (plop: NodePlopAPI): void {
  const go = findGo();
  const ctx = (dir: string) => ({ dirName: basename(resolve(dir)), localGo: go?.language });
  const validate = (spec: (typeof options)[number]) => (value: unknown) => {
    try {
      spec.parse(value as string);
      return true;
    } catch (err) {
      return (err as Error).message;
    }
  };

  plop.setActionType('create-gin-app', async (data) => {
    const { dir, verify, ...given } = data as Record<string, unknown>;
    const target = resolve(String(dir));
    await checkTarget(target, false);
    const mono = detectMonorepo(target);
    const answers = await resolveAnswers({
      given: given as Partial<Answers>,
      ctx: { ...ctx(String(dir)), monorepo: mono },
      minGo: (partial) => requiredGo(partial as Answers),
    });
    if (verify !== false) checkToolchain(go, answers);
    const log = (line: string) => console.log(line);
    await generate({ target, answers, verify: verify !== false, log });
    if (mono) await joinMonorepo(mono, { createWork: false, verify: verify !== false, target, log });
    return `${answers.module} in ${String(dir)}`;
  });

  plop.setGenerator('service', {
    description: 'a production-hardened Go Gin service',
    prompts: [
      { type: 'input', name: 'dir', message: 'Project directory', default: DEFAULT_DIR },
      ...options
        .filter((spec) => spec.prompt)
        // No `when` conditions: plop cannot bypass a conditional prompt from the command line.
        .map((spec) => {
          const s = spec as { boolean?: true; choices?: readonly string[] } & typeof spec;
          return {
            type: s.boolean ? 'confirm' : s.choices ? 'list' : 'input',
            name: spec.key,
            message: spec.prompt!,
            choices: s.choices,
            default: (partial: Partial<Answers> & { dir: string }) =>
              spec.default({ ...ctx(partial.dir), minGo: requiredGo(undefined) }, partial),
            ...(s.boolean ? {} : { validate: validate(spec), filter: (v: string) => spec.parse(v) }),
          };
        }),
      { type: 'confirm', name: 'verify', message: 'Verify with the Go toolchain?', default: true },
    ],
    actions: [{ type: 'create-gin-app' }],
  });

  plop.setActionType('create-gin-app-resource', async (data) => {
    const { dir, name, fields, verify } = data as { dir: string; name: string; fields: string; verify?: boolean | string };
    const noVerify = verify === false || verify === 'false';
    const log = (line: string) => console.log(line);
    await add(
      { positionals: ['add', 'resource', name, String(dir)], answers: {}, run: noVerify ? { 'no-verify': true } : {}, fields: fieldSpecs(fields) },
      { out: log, interactive: false, cwd: process.cwd() },
    );
    return `resource ${name} in ${String(dir)}`;
  });

  plop.setGenerator('resource', {
    description: 'a verified CRUD endpoint in a generated service (create-gin-app add resource)',
    prompts: [
      { type: 'input', name: 'dir', message: 'Service directory', default: '.' },
      { type: 'input', name: 'name', message: 'Resource name (plural snake_case, such as orders)', validate: accepts(parseResourceName) },
      {
        type: 'input',
        name: 'fields',
        message: `Fields as name:type[:modifiers], separated by spaces (types ${FIELD_TYPES.join(', ')}; modifiers ${MODIFIERS_HELP})`,
        validate: accepts((answer) => parseFields(fieldSpecs(answer))),
      },
      { type: 'confirm', name: 'verify', message: 'Verify with the Go toolchain?', default: true },
    ],
    actions: [{ type: 'create-gin-app-resource' }],
  });
}
