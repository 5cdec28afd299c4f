import type { Answers } from '../options/schema.js';

export interface GoModule {
  path: string;
  version: string;
}

/**
 * An optional (or core) part of the generated service. Its templates live in
 * templates/<name>/, mirroring the generated tree.
 */
export interface Feature {
  name: string;
  applies(answers: Answers): boolean;
  /** Direct Go dependencies, pinned to versions this repo's tests build. */
  goModules?: readonly GoModule[];
  /** Oldest Go release the feature's code and modules support. */
  minGo?: string;
  /** Its templates (output paths) that these answers do without. */
  omit?(answers: Answers): readonly string[];
  /** Extra values for its templates, derived from the answers. */
  data?(answers: Answers): Record<string, unknown>;
}
