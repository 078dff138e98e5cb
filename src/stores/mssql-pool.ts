/** mssql (tedious) settings for a SQL Server store. */
import type { config as MssqlConfig } from 'mssql';
import type { StoreConfig } from '../config.js';

/**
 * tarn, the pool behind mssql, validates a connection before handing it out and drops broken
 * ones, but has no maximum lifetime: HOT_DB_POOL_RECYCLE_SECONDS applies to PostgreSQL stores only.
 * tedious enables TCP keepalive on its sockets itself.
 */
export function mssqlConfig(store: StoreConfig): MssqlConfig {
  return {
    server: store.host,
    port: store.port,
    database: store.database,
    user: store.user,
    password: store.password,
    connectionTimeout: store.connectTimeoutMs,
    pool: {
      max: store.pool.max,
      min: 0,
      idleTimeoutMillis: store.pool.idleTimeoutMs,
      acquireTimeoutMillis: store.pool.acquireTimeoutMs,
    },
    options: {
      encrypt: store.tls !== 'disable',
      trustServerCertificate: store.tls === 'require',
      appName: `stock-insight-gateway:${store.name}`,
    },
  };
}
