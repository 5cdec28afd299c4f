/**
 * Earlier shapes of generated files that a generator release changed, kept
 * in templates/_retired/<generation>/<feature>/ so that `update` finds the
 * true base of a file the user edited. The base of an edited file is the
 * stored answers rendered again; after a layout change that render is the
 * new layout, the three-way merge sees no change on the generator's side,
 * and the file would stay in the old layout. When gin-app.json's fingerprint
 * of the file matches a retired template's render instead, that render is
 * the base: the merge moves the file to the new layout and keeps the edit.
 * Files the last generation did not write have no base at all: they are new.
 * (k8s-2026-11: the overlays before issue 26 dropped `replicas:` under the
 * HorizontalPodAutoscaler.)
 */
import { fingerprint } from '../answers-file.js';
import { plan } from '../plan.js';
import type { Answers } from '../options/schema.js';
import { loadTemplates } from '../templates/load.js';
import type { TemplateSet } from '../templates/types.js';

/** The retired generations: generation -> feature -> output path -> template. */
function retiredSets(): TemplateSet[] {
  const byGeneration: Record<string, TemplateSet> = {};
  for (const [path, render] of Object.entries(loadTemplates()._retired ?? {})) {
    const [generation, feature, ...rest] = path.split('/');
    const gen = byGeneration[generation!] ?? {};
    byGeneration[generation!] = gen;
    const set = gen[feature!] ?? {};
    gen[feature!] = set;
    set[rest.join('/')] = render;
  }
  return Object.values(byGeneration);
}

/**
 * Makes base what the last generation wrote, as far as gin-app.json tells:
 * a file it did not write (one a newer generator adds) has no base, so it is
 * created rather than taken for one the user deleted; and a file whose
 * recorded fingerprint matches a retired template's render gets that render.
 */
export function adoptRetiredBases(base: Map<string, string>, answers: Answers, generated: ReadonlyMap<string, string> | undefined): void {
  if (!generated) return;
  for (const path of [...base.keys()]) if (!generated.has(path)) base.delete(path);
  const stale = [...generated].filter(([path, fp]) => base.has(path) && fingerprint(base.get(path)!) !== fp);
  if (stale.length === 0) return;
  for (const set of retiredSets()) {
    const old = new Map(plan(answers, set).files.map((f) => [f.path, f.content]));
    for (const [path, fp] of stale) {
      const content = old.get(path);
      if (content !== undefined && fingerprint(content) === fp) base.set(path, content);
    }
  }
}
