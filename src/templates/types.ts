/** A compiled template: the data is the feature's TemplateData (src/plan.ts), or the monorepo gateway's. */
export type TemplateFn = (data: object) => string;

/** feature name -> output path -> compiled template. */
export type TemplateSet = Record<string, Record<string, TemplateFn>>;
