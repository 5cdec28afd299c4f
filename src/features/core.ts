import { binaryName } from '../names.js';
import type { Feature } from './feature.js';

/** The service every answer set gets: config, server, health, static assets, Makefile. */
export const core: Feature = {
  name: 'core',
  applies: () => true,
  // gin v1.12.0 declares go 1.25.0.
  minGo: '1.25.0',
  goModules: [
    { path: 'github.com/gin-gonic/gin', version: 'v1.12.0' },
    // Parses api/openapi.yaml (3.1) and validates requests against it.
    { path: 'github.com/getkin/kin-openapi', version: 'v0.153.0' },
    // CORS_ALLOWED_ORIGINS. v1.7.7: v1.7.11 needs Go 1.26.10.
    { path: 'github.com/gin-contrib/cors', version: 'v1.7.7' },
  ],
  data: (answers) => ({
    binary: binaryName(answers.module),
    limits: LIMITS,
  }),
};

/**
 * Server limits: Go config defaults, and (through the templates) the reverse
 * proxy's matching body size and timeouts, come from this one place.
 */
export const LIMITS = {
  maxBodyBytes: 1 << 20,
  maxHeaderBytes: 1 << 20,
  readHeaderTimeout: '5s',
  readTimeout: '15s',
  writeTimeout: '30s',
  idleTimeout: '60s',
  shutdownTimeout: '20s',
} as const;
