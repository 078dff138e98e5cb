/**
 * SQL statements per request, counted by PostgreSQL itself (pg_stat_statements, loaded on
 * the bench cluster): reset the statistics, send N requests one after another, read the
 * calls recorded per database, divide by N.
 *
 * What is counted: every top-level statement the server under test ran in the measured
 * databases while the N requests ran, utility statements (BEGIN, COMMIT, SET) included.
 * The harness's own statements run in the `postgres` database and are not counted (the
 * pg_stat_statements calls are also filtered by text). Statements a server runs on a timer
 * rather than per request (the gateway refreshes its archive bounds at most every 2 s) are
 * counted too, so values can be fractional: that is their honest share per request at the
 * sequential request rate of the count, and `byStatement` names each one so a reader can
 * tell a per-request statement from a periodic one. Planning and execution times
 * (track_planning is on) show how much of a request's latency the database itself spends.
 */
import type pg from 'pg';

export interface StatementCount {
  readonly requests: number;
  readonly seconds: number;
  /** Statements per request, per database role ('hot', 'cold', 'single'). */
  readonly perRequest: Record<string, number>;
  readonly totalPerRequest: number;
  /** Time the database spent planning and executing them, per request (ms). */
  readonly databaseMsPerRequest: number;
  /** Each normalised statement with its calls over the N requests and its mean planning and execution time. */
  readonly byStatement: readonly {
    readonly store: string;
    readonly calls: number;
    readonly meanPlanMs: number;
    readonly meanExecMs: number;
    readonly query: string;
  }[];
}

export async function countStatements(
  admin: pg.Client,
  databases: Readonly<Record<string, string>>,
  requests: number,
  send: (index: number) => Promise<void>,
): Promise<StatementCount> {
  await admin.query('SELECT pg_stat_statements_reset()');
  const started = performance.now();
  for (let i = 0; i < requests; i++) await send(i);
  const seconds = (performance.now() - started) / 1000;
  const { rows } = await admin.query<{
    datname: string;
    calls: string;
    query: string;
    total_plan_time: number;
    total_exec_time: number;
  }>(
    `SELECT d.datname, s.calls, s.query, s.total_plan_time, s.total_exec_time FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
     WHERE d.datname = ANY($1) AND s.toplevel AND s.query NOT ILIKE '%pg_stat_statements%'
     ORDER BY s.calls DESC`,
    [Object.values(databases)],
  );
  const storeOf = new Map(Object.entries(databases).map(([store, database]) => [database, store]));
  const perRequest: Record<string, number> = Object.fromEntries(Object.keys(databases).map((store) => [store, 0]));
  let databaseMs = 0;
  const byStatement = rows.map((row) => {
    const store = storeOf.get(row.datname)!;
    const calls = Number(row.calls);
    perRequest[store] += calls / requests;
    databaseMs += row.total_plan_time + row.total_exec_time;
    return {
      store,
      calls,
      meanPlanMs: round(row.total_plan_time / calls),
      meanExecMs: round(row.total_exec_time / calls),
      query: row.query.replace(/\s+/g, ' ').slice(0, 2000),
    };
  });
  for (const store of Object.keys(perRequest)) perRequest[store] = round(perRequest[store]);
  return {
    requests,
    seconds,
    perRequest,
    totalPerRequest: round(Object.values(perRequest).reduce((a, b) => a + b, 0)),
    databaseMsPerRequest: round(databaseMs / requests),
    byStatement,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
