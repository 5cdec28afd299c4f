/** Flags + prompts + defaults -> complete, validated answers. */
import { usageError } from '../errors.js';
import { ask, type Asker } from './prompts.js';
import { options, type Answers, type DefaultsContext } from './schema.js';

export interface ResolveOptions {
  given: Partial<Answers>;
  /** Defaults that win over the schema's (update: the stored answers); prompts are pre-filled with them. */
  prefill?: Partial<Answers>;
  ctx: Omit<DefaultsContext, 'minGo'>;
  /** Oldest Go the answers so far need (features decide). */
  minGo(partial: Partial<Answers>): string;
  /** Present only when prompting is allowed. */
  asker?: Asker;
}

export async function resolveAnswers({ given, prefill = {}, ctx, minGo, asker }: ResolveOptions): Promise<Answers> {
  const answers: Partial<Answers> = { ...given };
  // Schema order matters: defaults may depend on earlier answers (the go
  // default, last, depends on the features the other answers turn on).
  for (const spec of options) {
    if (spec.key in answers) continue;
    const full: DefaultsContext = { ...ctx, minGo: minGo(answers) };
    const def = spec.key in prefill ? prefill[spec.key] : spec.default(full, answers);
    (answers as Record<string, unknown>)[spec.key] = asker && spec.prompt && (spec.when?.(answers) ?? true) ? await ask(asker, spec, def) : def;
  }
  checkAnswers(answers as Answers, { ...ctx, minGo: minGo(answers) });
  return answers as Answers;
}

/** Cross-option checks; throws the first clash as a usage error. */
export function checkAnswers(answers: Answers, ctx: DefaultsContext): void {
  for (const spec of options) {
    const problem = spec.check?.(answers, ctx);
    if (problem) throw usageError(problem);
  }
}
