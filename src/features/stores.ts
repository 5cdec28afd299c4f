import { databaseName } from '../names.js';
import type { Answers } from '../options/schema.js';
import type { Feature } from './feature.js';

/**
 * Data stores: the GORM database layer (one driver per --db choice) and the
 * Redis client. Each store's code lives in its own feature, so a store that
 * was not chosen leaves nothing in go.mod, code, config or docs.
 */

const usesDatabase = (a: Answers) => a.db !== 'none';

/**
 * Startup retry defaults (CONNECT_ATTEMPTS, CONNECT_BACKOFF), also what the
 * Kubernetes startupProbe allows for. attemptTimeoutSeconds bounds one try
 * (Redis's dial timeout; the database drivers connect within it too).
 */
export const CONNECT = { attempts: 8, backoff: '500ms', attemptTimeoutSeconds: 5 } as const;

/** Shared startup-retry code, present when any store is. */
export const stores: Feature = {
  name: 'stores',
  applies: (a) => usesDatabase(a) || a.redis,
  // serverStore: a store whose tests need a server (SQLite's use a temporary file).
  data: (a) => ({ connect: CONNECT, serverStore: a.db === 'postgres' || a.db === 'mysql' || a.redis }),
};

/** GORM, pool settings, startup retry, goose migrations, readiness check and the items example. */
export const database: Feature = {
  name: 'database',
  applies: usesDatabase,
  // goose v3.30.0 declares go 1.26.0.
  minGo: '1.26.0',
  goModules: [
    { path: 'github.com/pressly/goose/v3', version: 'v3.30.0' },
    { path: 'gorm.io/gorm', version: 'v1.31.2' },
  ],
  data: (answers) => ({ dbName: databaseName(answers.module) }),
};

/** Embedded, pure-Go SQLite (modernc.org/sqlite via glebarez): no cgo, no server. */
export const sqlite: Feature = {
  name: 'sqlite',
  applies: (a) => a.db === 'sqlite',
  goModules: [{ path: 'github.com/glebarez/sqlite', version: 'v1.11.0' }],
};

export const mysql: Feature = {
  name: 'mysql',
  applies: (a) => a.db === 'mysql',
  goModules: [
    { path: 'github.com/go-sql-driver/mysql', version: 'v1.10.1' },
    { path: 'gorm.io/driver/mysql', version: 'v1.6.0' },
  ],
};

export const postgres: Feature = {
  name: 'postgres',
  applies: (a) => a.db === 'postgres',
  // gorm.io/driver/postgres v1.6.3 declares go 1.25.0.
  minGo: '1.25.0',
  goModules: [
    { path: 'github.com/jackc/pgx/v5', version: 'v5.12.0' },
    { path: 'gorm.io/driver/postgres', version: 'v1.6.3' },
  ],
};

export const redis: Feature = {
  name: 'redis',
  applies: (a) => a.redis,
  // go-redis v9.23.0 declares go 1.26.0.
  minGo: '1.26.0',
  goModules: [{ path: 'github.com/redis/go-redis/v9', version: 'v9.23.0' }],
};

export const storeFeatures: readonly Feature[] = [stores, database, sqlite, mysql, postgres, redis];
