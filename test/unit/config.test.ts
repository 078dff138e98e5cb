import { describe, expect, it } from 'vitest';
import { assertSafeToServe, ConfigError, loadConfig, parseStoreUrl } from '../../src/config.js';

const PG_HOT = 'postgresql://app:s%40cret@db.internal:6543/hot?sslmode=require';
const PG_COLD = 'postgresql://app@cold.internal/cold';

function expectConfigError(env: Record<string, string>, variable: string) {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toContain(variable);
    expect((error as Error).message).not.toContain('\n');
    return;
  }
  throw new Error(`expected a ConfigError naming ${variable}`);
}

describe('loadConfig', () => {
  it('defaults to the embedded cluster, port 4000 and development secrets', () => {
    const config = loadConfig({});
    expect(config.nodeEnv).toBe('development');
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.stores.mode).toBe('embedded');
    expect(config.usesDevelopmentSecrets).toBe(true);
    expect(config.migrateOnStart).toBe(true);
  });

  it("uses the seed's pool figures: 20 hot connections, 30 s to acquire, recycled hourly", () => {
    const config = loadConfig({ HOT_DATABASE_URL: PG_HOT, COLD_DATABASE_URL: PG_COLD });
    if (config.stores.mode !== 'external') throw new Error('expected external stores');
    expect(config.stores.hot.pool).toEqual({
      max: 20,
      acquireTimeoutMs: 30_000,
      maxLifetimeSeconds: 3600,
      idleTimeoutMs: 600_000,
    });
    expect(config.stores.cold?.pool.max).toBe(10);
  });

  it('reads a postgresql URL, decoding credentials and sslmode', () => {
    const config = loadConfig({ HOT_DATABASE_URL: PG_HOT, COLD_DATABASE_URL: PG_COLD });
    if (config.stores.mode !== 'external') throw new Error('expected external stores');
    expect(config.stores.hot).toMatchObject({
      provider: 'postgresql',
      host: 'db.internal',
      port: 6543,
      database: 'hot',
      user: 'app',
      password: 's@cret',
      tls: 'require',
    });
    expect(config.stores.cold).toMatchObject({ port: 5432, tls: 'disable', password: '' });
  });

  it("reads Prisma's sqlserver URL form, with braces escaping a ';'", () => {
    const parsed = parseStoreUrl(
      'HOT_DATABASE_URL',
      'sqlserver://mssql:1444;database=StockInsight_Hot;user=sa;password={Pa;ss};encrypt=true;trustServerCertificate=true',
    );
    expect(parsed).toEqual({
      provider: 'sqlserver',
      host: 'mssql',
      port: 1444,
      database: 'StockInsight_Hot',
      user: 'sa',
      password: 'Pa;ss',
      tls: 'require',
    });
  });

  it('builds a store from its parts, with the provider defaulting to SQL Server for hot', () => {
    const config = loadConfig({
      HOT_DB_HOST: 'mssql',
      HOT_DB_NAME: 'hot',
      HOT_DB_USER: 'sa',
      HOT_DB_PASSWORD: 'x',
      COLD_DB_HOST: 'pg',
      COLD_DB_NAME: 'cold',
      COLD_DB_USER: 'postgres',
    });
    if (config.stores.mode !== 'external') throw new Error('expected external stores');
    expect(config.stores.hot).toMatchObject({ provider: 'sqlserver', port: 1433, tls: 'require' });
    expect(config.stores.cold).toMatchObject({ provider: 'postgresql', port: 5432, tls: 'disable' });
  });

  it('names the variable that is wrong', () => {
    expectConfigError({ PORT: 'eighty' }, 'PORT');
    expectConfigError({ PORT: '70000' }, 'PORT');
    expectConfigError({ NODE_ENV: 'staging' }, 'NODE_ENV');
    expectConfigError({ HOT_DATABASE_URL: 'mysql://x/y', COLD_DATABASE_URL: PG_COLD }, 'HOT_DATABASE_URL');
    expectConfigError({ HOT_DATABASE_URL: PG_HOT }, 'COLD_DATABASE_URL');
    expectConfigError({ HOT_DATABASE_URL: PG_HOT, COLD_DATABASE_URL: 'sqlserver://x;database=y' }, 'COLD_DATABASE_URL');
    expectConfigError({ HOT_DB_HOST: 'h', HOT_DB_USER: 'u', COLD_DATABASE_URL: PG_COLD }, 'HOT_DB_NAME');
    expectConfigError({ HOT_DATABASE_URL: PG_HOT, HOT_DB_HOST: 'h', COLD_DATABASE_URL: PG_COLD }, 'HOT_DATABASE_URL');
    expectConfigError({ HOT_DB_POOL_SIZE: '0' }, 'HOT_DB_POOL_SIZE');
    expectConfigError({ HOT_DATABASE_URL: PG_HOT, COLD_DATABASE_URL: PG_COLD, COLD_DB_TLS: 'maybe' }, 'COLD_DB_TLS');
    expectConfigError({ DEMO_DATA: 'perhaps' }, 'DEMO_DATA');
    expectConfigError({ JWT_SECRET: 'short' }, 'JWT_SECRET');
  });

  it('requires the secrets and real stores in production', () => {
    const stores = { HOT_DATABASE_URL: PG_HOT, COLD_DATABASE_URL: PG_COLD };
    const secrets = { ADMIN_TOKEN: 'a'.repeat(32), JWT_SECRET: 'j'.repeat(32) };
    expectConfigError({ NODE_ENV: 'production', ...stores, JWT_SECRET: secrets.JWT_SECRET }, 'ADMIN_TOKEN');
    expectConfigError({ NODE_ENV: 'production', ...stores, ADMIN_TOKEN: secrets.ADMIN_TOKEN }, 'JWT_SECRET');
    expectConfigError({ NODE_ENV: 'production', ...secrets }, 'HOT_DATABASE_URL');
    const config = loadConfig({ NODE_ENV: 'production', ...stores, ...secrets });
    expect(config.usesDevelopmentSecrets).toBe(false);
    expect(config.host).toBe('0.0.0.0');
  });

  it('refuses to serve production /metrics openly: it needs METRICS_TOKEN or its own listener', () => {
    const production = {
      NODE_ENV: 'production',
      HOT_DATABASE_URL: PG_HOT,
      COLD_DATABASE_URL: PG_COLD,
      ADMIN_TOKEN: 'a'.repeat(32),
      JWT_SECRET: 'j'.repeat(32),
    };
    // The CLIs load the same configuration and serve nothing: loadConfig itself accepts it.
    const open = loadConfig(production);
    expect(open.metricsListen).toBeUndefined();
    let error: unknown;
    try {
      assertSafeToServe(open);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('METRICS_TOKEN');
    expect((error as Error).message).toMatch(/METRICS_TOKEN.*METRICS_PORT/);
    expect((error as Error).message).not.toContain('\n');
    expect(() => assertSafeToServe(loadConfig({ ...production, METRICS_TOKEN: 'm'.repeat(16) }))).not.toThrow();
    const separate = loadConfig({ ...production, METRICS_PORT: '9464' });
    expect(separate.metricsListen).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(() => assertSafeToServe(separate)).not.toThrow();
    expect(loadConfig({ ...production, METRICS_PORT: '9464', METRICS_HOST: '10.1.2.3' }).metricsListen).toEqual({
      host: '10.1.2.3',
      port: 9464,
    });
    // Outside production /metrics may share the GraphQL listener.
    expect(() => assertSafeToServe(loadConfig({}))).not.toThrow();
    expectConfigError({ METRICS_HOST: '127.0.0.1' }, 'METRICS_HOST');
    expectConfigError({ METRICS_PORT: 'x' }, 'METRICS_PORT');
  });

  it('reads the concurrency shares, with defaults', () => {
    expect(loadConfig({}).concurrency).toEqual({ requestStatements: 4, addressStatements: 5, addressRequests: 8 });
    expect(
      loadConfig({ REQUEST_MAX_STATEMENTS: '2', ADDRESS_MAX_STATEMENTS: '3', ADDRESS_MAX_REQUESTS: '20' }).concurrency,
    ).toEqual({ requestStatements: 2, addressStatements: 3, addressRequests: 20 });
    expectConfigError({ REQUEST_MAX_STATEMENTS: '0' }, 'REQUEST_MAX_STATEMENTS');
    expectConfigError({ ADDRESS_MAX_STATEMENTS: 'many' }, 'ADDRESS_MAX_STATEMENTS');
    expectConfigError({ ADDRESS_MAX_REQUESTS: '-1' }, 'ADDRESS_MAX_REQUESTS');
  });
});
