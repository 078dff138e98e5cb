/** mssql (tedious) settings for a SQL Server store. */
import type { config as MssqlConfig } from 'mssql';
import type { StoreConfig } from '../config.js';
import type { ServingOptions } from './pg-pool.js';

/**
 * tarn, the pool behind mssql, validates a connection before handing it out and drops broken
 * ones, but has no maximum lifetime: HOT_DB_POOL_RECYCLE_SECONDS applies to PostgreSQL stores only.
 * tedious enables TCP keepalive on its sockets itself.
 */
export function mssqlConfig(store: StoreConfig, serving: ServingOptions = {}): MssqlConfig {
  return {
    server: store.host,
    port: store.port,
    database: store.database,
    user: store.user,
    password: store.password,
    connectionTimeout: store.connectTimeoutMs,
    // tedious cancels a request running longer (ATTENTION); mssql's default is 15 s.
    ...(serving.statementTimeoutMs === undefined ? {} : { requestTimeout: serving.statementTimeoutMs }),
    pool: {
      max: store.pool.max,
      min: 0,
      idleTimeoutMillis: store.pool.idleTimeoutMs,
      acquireTimeoutMillis:
        serving.statementTimeoutMs === undefined
          ? store.pool.acquireTimeoutMs
          : Math.min(store.pool.acquireTimeoutMs, serving.statementTimeoutMs),
    },
    options: {
      encrypt: store.tls !== 'disable',
      trustServerCertificate: store.tls === 'require',
      appName: `stock-insight-gateway:${store.name}`,
    },
  };
}
