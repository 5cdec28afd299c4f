/** Asks only for what flags did not give. The prompt library is loaded only here. */
import type { AnyOption } from './schema.js';

export interface Asker {
  text(message: string, def: string, validate: (value: string) => string | true): Promise<string>;
  confirm(message: string, def: boolean): Promise<boolean>;
  select(message: string, choices: readonly string[], def: string): Promise<string>;
}

export async function inquirerAsker(): Promise<Asker> {
  // The three prompt packages, not the @inquirer/prompts barrel (its editor
  // prompt alone brings iconv-lite's tables, hundreds of kB to load).
  const [{ default: input }, { default: confirm }, { default: select }] = await Promise.all([
    import('@inquirer/input'),
    import('@inquirer/confirm'),
    import('@inquirer/select'),
  ]);
  return {
    text: (message, def, validate) => input({ message, default: def, validate }),
    confirm: (message, def) => confirm({ message, default: def }),
    select: (message, choices, def) => select({ message, choices: choices.map((value) => ({ value })), default: def }),
  };
}

/** Asks one schema option, validating with the same parser the flags use. */
export async function ask(asker: Asker, spec: AnyOption, def: unknown): Promise<unknown> {
  const message = spec.prompt!;
  const s = spec as { boolean?: true; choices?: readonly string[] };
  if (s.boolean) return asker.confirm(message, Boolean(def));
  if (s.choices) return spec.parse(await asker.select(message, s.choices, String(def)));
  const answer = await asker.text(message, String(def), (value) => {
    try {
      spec.parse(value);
      return true;
    } catch (err) {
      return (err as Error).message;
    }
  });
  return spec.parse(answer);
}
