/**
 * The hot engine whose generated Prisma client the compiler checks hot-store calls against
 * (src/stores/hot/index.ts): SQL Server, production's engine. `npm run typecheck` checks the
 * tree once more with tsconfig.hot-postgresql.json, which declares PostgreSQL instead.
 */
type HotEngineUnderCheck = 'sqlserver';
