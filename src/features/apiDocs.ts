import type { Feature } from './feature.js';

/**
 * The documentation page of api/openapi.yaml (--api-docs): Swagger UI with
 * its assets compiled in from a Go module (no CDN, nothing in this package),
 * at <prefix>/docs, unless API_DOCS=false (the prod overlay's choice).
 */
export const apiDocs: Feature = {
  name: 'apiDocs',
  applies: (answers) => answers.apiDocs,
  goModules: [{ path: 'github.com/swaggest/swgui', version: 'v1.8.5' }],
};
