import { apiDocs } from './apiDocs.js';
import { authFeatures } from './auth.js';
import { ci, devloop } from './ci.js';
import { core } from './core.js';
import { docker } from './docker.js';
import type { Feature } from './feature.js';
import { k8s } from './k8s.js';
import { nginx } from './nginx.js';
import { observabilityFeatures } from './observability.js';
import { ops, pprof, syslog } from './ops.js';
import { storeFeatures } from './stores.js';

/** Every feature, in rendering order. */
export const features: readonly Feature[] = [core, apiDocs, docker, nginx, ops, pprof, syslog, ...storeFeatures, ...authFeatures, ...observabilityFeatures, k8s, devloop, ci];
