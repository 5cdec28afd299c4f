export type TemplateFn = (data: Record<string, unknown>) => string;

/** feature name -> output path -> compiled template. */
export type TemplateSet = Record<string, Record<string, TemplateFn>>;
