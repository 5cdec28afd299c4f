import type { Answers } from '../options/schema.js';
import type { Feature } from './feature.js';

/**
 * Who may call the API (--auth). The document (api/openapi.yaml) declares
 * each operation's security requirement; internal/server/auth.go enforces
 * exactly that, with the credentials of one of the two kinds below.
 */
const on = (a: Answers) => a.auth !== 'none';

/** The scheme's name in the document, and the credentials' header. */
const SCHEMES = {
  jwt: { name: 'bearerAuth', yaml: '{type: http, scheme: bearer, bearerFormat: JWT}' },
  apikey: { name: 'apiKeyAuth', yaml: '{type: apiKey, in: header, name: X-API-Key}' },
} as const;

/** What both kinds share: the principal, the middleware that enforces the document, the wiring. */
export const authn: Feature = {
  name: 'authn',
  applies: on,
  data: (a) => ({ authScheme: SCHEMES[a.auth as keyof typeof SCHEMES] }),
};

/**
 * Bearer tokens (JWT) checked with golang-jwt v5 against a JWKS that keyfunc
 * v3 (jwkset) fetches, caches and refreshes: no JOSE code of our own.
 */
export const jwt: Feature = {
  name: 'jwt',
  applies: (a) => a.auth === 'jwt',
  goModules: [
    { path: 'github.com/MicahParks/jwkset', version: 'v0.11.4' },
    { path: 'github.com/MicahParks/keyfunc/v3', version: 'v3.9.2' },
    { path: 'github.com/golang-jwt/jwt/v5', version: 'v5.3.1' },
    { path: 'golang.org/x/time', version: 'v0.16.0' },
  ],
};

/** API keys given as SHA-256 hashes in a file (AUTH_API_KEYS_FILE). */
export const apikey: Feature = {
  name: 'apikey',
  applies: (a) => a.auth === 'apikey',
};

/**
 * Per-client rate limits (RATE_LIMIT, off by default): every service has
 * them, in memory (x/time/rate per client in a bounded LRU), in Redis when
 * it has Redis (redis_rate, so the replicas share one limit).
 */
export const ratelimit: Feature = {
  name: 'ratelimit',
  applies: () => true,
  goModules: [
    { path: 'github.com/hashicorp/golang-lru/v2', version: 'v2.0.7' },
    { path: 'golang.org/x/time', version: 'v0.16.0' },
  ],
};

export const ratelimitRedis: Feature = {
  name: 'ratelimitRedis',
  applies: (a) => a.redis,
  goModules: [{ path: 'github.com/go-redis/redis_rate/v10', version: 'v10.0.1' }],
};

export const authFeatures: readonly Feature[] = [authn, jwt, apikey, ratelimit, ratelimitRedis];
