/**
 * One request's read statements to one store, asked for in the same turn of the event loop,
 * go to the store as one statement: each becomes a derived table of a CROSS JOIN, and the one
 * result row is cut back into each statement's own columns. A feed's counts and comments, or
 * a sidebar's participants and newest messages, are asked for together once their parents'
 * page has arrived: one round trip instead of one per loader, and one snapshot for all.
 *
 * Contract of a statement it accepts (every read of reader.ts): exactly one result row of
 * `columns` columns, and parameters numbered 1..n in its text ($n in PostgreSQL, @Pn in
 * T-SQL), which are renumbered in the combined text. A statement breaking the second is sent
 * alone. The combination holds at most MAX_STATEMENTS statements and, on SQL Server (2100
 * parameters per statement), at most SQLSERVER_MAX_PARAMETERS parameters; more are sent as
 * several.
 *
 * The statements of a combination succeed or fail together: one that fails (a timeout, the
 * store down) fails the others of the same turn with its error. They are one request's, which
 * answers with the typed error either way. The reader is per request (reader.ts forRequest),
 * so statements of different requests never share one: each request keeps its own share of
 * the pools (statement-share.ts) and its own timeouts.
 */
import type { SqlResultSet } from '@prisma/driver-adapter-utils';
import type { Dialect, Statement } from './select.js';

export type Run = (statement: Statement) => Promise<SqlResultSet>;

export const MAX_STATEMENTS = 16;
export const SQLSERVER_MAX_PARAMETERS = 2000;

const PARAMETER: Record<Dialect, RegExp> = { postgresql: /\$(\d+)/g, sqlserver: /@P(\d+)/g };
const MARK: Record<Dialect, string> = { postgresql: '$', sqlserver: '@P' };

interface Pending {
  readonly statement: Statement;
  readonly resolve: (result: SqlResultSet) => void;
  readonly reject: (error: unknown) => void;
}

/** `run`, with the statements of one turn of the event loop sent as one (see above). */
export function coalescing(dialect: Dialect, run: Run): Run {
  let queue: Pending[] = [];
  const flush = () => {
    const taken = queue;
    queue = [];
    for (const group of groups(dialect, taken)) void send(dialect, run, group);
  };
  return (statement) =>
    new Promise<SqlResultSet>((resolve, reject) => {
      // After the turn's microtasks and ticks, where DataLoader and child-reads.ts dispatch.
      if (queue.length === 0) setImmediate(flush);
      queue.push({ statement, resolve, reject });
    });
}

/** The one statement for `statements` (two or more), in their order. */
export function combinedStatement(dialect: Dialect, statements: readonly Statement[]): Statement {
  let offset = 0;
  const parts = statements.map((statement, i) => {
    const sql = statement.sql.replace(PARAMETER[dialect], (_, n: string) => `${MARK[dialect]}${Number(n) + offset}`);
    offset += statement.args.length;
    return `(${sql}) AS c${i}`;
  });
  return {
    sql: `SELECT * FROM ${parts.join(' CROSS JOIN ')}`,
    args: statements.flatMap((statement) => statement.args),
    argTypes: statements.flatMap((statement) => statement.argTypes),
    kinds: {},
    columns: statements.reduce((sum, statement) => sum + statement.columns, 0),
  };
}

/** True when the statement's parameters are exactly 1..n in its text, so that they can be renumbered. */
export function renumberable(dialect: Dialect, statement: Statement): boolean {
  const seen = new Set([...statement.sql.matchAll(PARAMETER[dialect])].map((match) => Number(match[1])));
  const n = statement.args.length;
  return seen.size === n && [...seen].every((k) => k >= 1 && k <= n);
}

function groups(dialect: Dialect, pending: readonly Pending[]): Pending[][] {
  const limit = dialect === 'sqlserver' ? SQLSERVER_MAX_PARAMETERS : Infinity;
  const result: Pending[][] = [];
  let current: Pending[] = [];
  let parameters = 0;
  for (const entry of pending) {
    const size = entry.statement.args.length;
    if (!renumberable(dialect, entry.statement)) {
      result.push([entry]);
      continue;
    }
    if (current.length > 0 && (current.length >= MAX_STATEMENTS || parameters + size > limit)) {
      result.push(current);
      current = [];
      parameters = 0;
    }
    current.push(entry);
    parameters += size;
  }
  if (current.length > 0) result.push(current);
  return result;
}

async function send(dialect: Dialect, run: Run, group: readonly Pending[]): Promise<void> {
  if (group.length === 1) {
    const [only] = group;
    try {
      only.resolve(await run(only.statement));
    } catch (error) {
      only.reject(error);
    }
    return;
  }
  let result: SqlResultSet;
  try {
    result = await run(
      combinedStatement(
        dialect,
        group.map((entry) => entry.statement),
      ),
    );
    if (result.rows.length !== 1) throw new Error(`a combined read answered ${result.rows.length} rows, not 1`);
  } catch (error) {
    for (const entry of group) entry.reject(error);
    return;
  }
  let start = 0;
  for (const { statement, resolve } of group) {
    const end = start + statement.columns;
    resolve({
      ...result,
      columnNames: result.columnNames.slice(start, end),
      columnTypes: result.columnTypes.slice(start, end),
      rows: [result.rows[0].slice(start, end)],
    });
    start = end;
  }
}
