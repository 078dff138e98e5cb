/** See hot-engine-sqlserver.d.ts: the second pass of `npm run typecheck` checks hot-store calls against the PostgreSQL client. */
type HotEngineUnderCheck = 'postgresql';
