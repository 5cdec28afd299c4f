/** answers -> the files to write, from the features that apply. */
import { features } from './features/index.js';
import type { Feature, GoModule } from './features/feature.js';
import type { Answers } from './options/schema.js';
import { compareGoVersions } from './options/validate.js';
import { fillSettingsDocs } from './settings-docs.js';
import type { TemplateSet } from './templates/types.js';

export interface PlannedFile {
  path: string;
  feature: string;
  content: string;
}

export interface Plan {
  answers: Answers;
  features: string[];
  files: PlannedFile[];
}

/** Oldest Go release that every applying feature supports. */
export function requiredGo(answers: Answers | undefined, all: readonly Feature[] = features): string {
  return all
    .filter((f) => f.minGo && (!answers || f.applies(answers)))
    .map((f) => f.minGo!)
    .reduce((a, b) => (compareGoVersions(a, b) >= 0 ? a : b), '1.0.0');
}

/**
 * Code-point order, as Go sorts go.mod and as `update` lists paths. Not
 * localeCompare: its first call loads ICU's collator, ~9 ms of every scaffold.
 */
const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

export function templateData(answers: Answers, applying: readonly Feature[]): Record<string, unknown> {
  const goModules: GoModule[] = applying.flatMap((f) => f.goModules ?? []).sort(byPath);
  const data: Record<string, unknown> = { ...answers, goModules };
  for (const f of features) data[f.name] = applying.includes(f);
  for (const f of applying) Object.assign(data, f.data?.(answers));
  return data;
}

export function plan(answers: Answers, templates: TemplateSet): Plan {
  const applying = features.filter((f) => f.applies(answers));
  const data = templateData(answers, applying);
  const files: PlannedFile[] = [];
  const owner = new Map<string, string>();
  for (const f of applying) {
    const omitted = new Set(f.omit?.(answers));
    for (const [path, render] of Object.entries(templates[f.name] ?? {})) {
      if (omitted.has(path)) continue;
      const taken = owner.get(path);
      if (taken) throw new Error(`features ${taken} and ${f.name} both render ${path}`);
      owner.set(path, f.name);
      files.push({ path, feature: f.name, content: render(data) });
    }
  }
  fillSettingsDocs(files);
  files.sort(byPath);
  return { answers, features: applying.map((f) => f.name), files };
}
