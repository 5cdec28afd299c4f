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

/** What templates see: the answers, Go modules, resources, a flag per feature name, and each applying feature's data(). */
export interface TemplateData extends Answers {
  goModules: GoModule[];
  resources: Record<string, unknown>[];
  [featureOrValue: string]: unknown;
}

export function templateData(answers: Answers, all: readonly Feature[], resources: Record<string, unknown>[] = []): TemplateData {
  const applying = all.filter((f) => f.applies(answers));
  // Two features may need one module (x/time): go.mod requires it once.
  const goModules = [...new Map(applying.flatMap((f) => f.goModules ?? []).map((m) => [m.path, m])).values()].sort(byPath);
  const data: TemplateData = { ...answers, goModules, resources };
  for (const f of all) data[f.name] = applying.includes(f);
  for (const f of applying) Object.assign(data, f.data?.(answers));
  return data;
}

/**
 * The resources added with `add resource` (gin-app.json) are rendered from
 * templates/resource, once per resource, with its own values on top of the
 * service's; a template's path names the file with them
 * (internal/server/{{name}}.go). templates/crud is what they share.
 */
export function render(answers: Answers, { templates, features: all, resources = [] }: { templates: TemplateSet; features: readonly Feature[]; resources?: readonly Resource[] }): Plan {
  if (resources.length > 0 && answers.db === 'none') {
    throw new Error(`resources (${resources.map((r) => r.name).join(', ')}) need a database`);
  }
  const applying = all.filter((f) => f.applies(answers));
  const perResource = answers.db === 'none' ? [] : resources.map((r) => resourceData(r, answers.db as Exclude<typeof answers.db, 'none'>));
  const data = templateData(answers, all, perResource);
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
  for (const r of perResource) for (const [path, content] of resourceFiles(data, r, templates)) add(`resource ${r.name as string}`, path, content);
  fillSettingsDocs(files);
  files.sort(byPath);
  return { answers, resources, features: applying.map((f) => f.name), files };
}

/** render() with every feature there is: tests, the build's code cache and plop. */
export function plan(answers: Answers, templates: TemplateSet, resources: readonly Resource[] = []): Plan {
  return render(answers, { templates, features, resources });
}

/**
 * The files of one resource: templates/resource rendered with its values on
 * top of the service's; each {{key}} in a template's path is the resource's
 * value (internal/server/{{name}}.go).
 */
export function resourceFiles(data: TemplateData, r: Record<string, unknown>, templates: TemplateSet): [path: string, content: string][] {
  const values = { ...data, ...r };
  return Object.entries(templates.resource ?? {}).map(([path, render]) => [path.replace(/\{\{(\w+)\}\}/g, (_, key: string) => String(values[key])), render(values)]);
}
