// The CLI's template source. Running from source this compiles templates/ at
// start-up; the bundle replaces this module with precompiled templates
// (scripts/build.mjs), so the published CLI ships only the Handlebars runtime.
export { loadTemplates } from './load.js';
