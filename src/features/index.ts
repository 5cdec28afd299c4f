import { core } from './core.js';
import type { Feature } from './feature.js';

/** Every feature, in rendering order. */
export const features: readonly Feature[] = [core];
