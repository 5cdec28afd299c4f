/** answers -> the files to write, from the features that apply. */
import { features } from './features/index.js';
import type { Feature, GoModule } from './features/feature.js';
import type { Answers } from './options/schema.js';
import type { Resource } from './resources/fields.js';
import { resourceData } from './resources/render.js';
import { fillSettingsDocs } from './settings-docs.js';
import type { TemplateSet } from './templates/types.js';
import { compareVersions } from './version.js';

export interface PlannedFile {
  path: string;
  feature: string;
  content: string;
}

export interface Plan {
  answers: Answers;
  resources: readonly Resource[];
  features: string[];
  files: PlannedFile[];
}

/** Oldest Go release that every applying feature supports. */
export function requiredGo(answers: Answers | undefined, all: readonly Feature[] = features): string {
  return all
    .filter((f) => f.minGo && (!answers || f.applies(answers)))
    .map((f) => f.minGo!)
    .reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b), '1.0.0');
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

/**
 * The resources added with `add resource` (gin-app.json) are rendered from
 * templates/resource, once per resource, with its own values on top of the
 * service's; a template's path names the file with them
 * (internal/server/{{name}}.go). templates/crud is what they share.
 */
export function plan(answers: Answers, templates: TemplateSet, resources: readonly Resource[] = []): Plan {
  if (resources.length > 0 && answers.db === 'none') {
    throw new Error(`resources (${resources.map((r) => r.name).join(', ')}) need a database`);
  }
  const applying = features.filter((f) => f.applies(answers));
  const data = templateData(answers, applying);
  const perResource = answers.db === 'none' ? [] : resources.map((r) => resourceData(r, answers.db as Exclude<typeof answers.db, 'none'>));
  data.resources = perResource;
  if (resources.length > 0) (data.goModules as GoModule[]).push(...CRUD_MODULES);
  (data.goModules as GoModule[]).sort(byPath);
  const files: PlannedFile[] = [];
  const owner = new Map<string, string>();
  const add = (feature: string, path: string, content: string) => {
    const taken = owner.get(path);
    if (taken) throw new Error(`features ${taken} and ${feature} both render ${path}`);
    owner.set(path, feature);
    files.push({ path, feature, content });
  };
  for (const f of applying) {
    const omitted = new Set(f.omit?.(answers));
    for (const [path, render] of Object.entries(templates[f.name] ?? {})) {
      if (!omitted.has(path)) add(f.name, path, render(data));
    }
  }
  if (resources.length > 0) for (const [path, render] of Object.entries(templates.crud ?? {})) add('crud', path, render(data));
  for (const r of perResource) {
    const values = { ...data, ...r };
    for (const [path, render] of Object.entries(templates.resource ?? {})) {
      add(`resource ${r.name as string}`, resourcePath(path, values), render(values));
    }
  }
  fillSettingsDocs(files);
  files.sort(byPath);
  return { answers, resources, features: applying.map((f) => f.name), files };
}

/** The path a templates/resource template renders to: each {{key}} in it is the resource's value. */
export function resourcePath(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => String(values[key]));
}

/** What the resources' shared code imports directly (gin's own validator, pinned as gin v1.12.0 requires it). */
const CRUD_MODULES: readonly GoModule[] = [{ path: 'github.com/go-playground/validator/v10', version: 'v10.30.1' }];
