/**
 * Recording fake driver adapter for Prisma 7 (provider "sqlserver").
 *
 * Plugs into `new PrismaClient({ adapter: createRecordingAdapter() })` and
 * captures every statement the query compiler emits (T-SQL text + args +
 * argTypes) without any SQL Server. Results are canned: empty result set by
 * default, or whatever `opts.respond` returns for a given statement.
 *
 * Mirrors @prisma/adapter-mssql 7.10 where it matters to the client:
 *   - provider 'sqlserver' (the ONLY thing the client validates against the schema)
 *   - getConnectionInfo(): maxBindValues 2098, supportsRelationJoins false
 *   - transactions use `usePhantomQuery: true`: the client does NOT send
 *     BEGIN/COMMIT/ROLLBACK SQL; it calls startTransaction()/commit()/rollback()
 *     and the driver does it. We record those calls as kind 'begin'/'commit'/'rollback'.
 *   - savepoints (nested $transaction) -> SAVE TRANSACTION / ROLLBACK TRANSACTION
 */
import type {
  ArgType,
  ColumnType,
  ConnectionInfo,
  IsolationLevel,
  SqlDriverAdapter,
  SqlDriverAdapterFactory,
  SqlQuery,
  SqlResultSet,
  Transaction,
} from '@prisma/driver-adapter-utils';

/** Same numeric values as ColumnTypeEnum in @prisma/driver-adapter-utils. */
export const ColumnTypes = {
  Int32: 0,
  Int64: 1,
  Float: 2,
  Double: 3,
  Numeric: 4,
  Boolean: 5,
  Character: 6,
  Text: 7,
  Date: 8,
  Time: 9,
  DateTime: 10,
  Json: 11,
  Enum: 12,
  Bytes: 13,
  Set: 14,
  Uuid: 15,
  UnknownNumber: 128,
} as const satisfies Record<string, ColumnType>;

/** SQL Server type name -> ColumnType, as @prisma/adapter-mssql maps them. */
export const MssqlColumnType = {
  int: ColumnTypes.Int32,
  smallint: ColumnTypes.Int32,
  tinyint: ColumnTypes.Int32,
  bigint: ColumnTypes.Int64,
  bit: ColumnTypes.Boolean,
  nvarchar: ColumnTypes.Text,
  varchar: ColumnTypes.Text,
  nchar: ColumnTypes.Text,
  char: ColumnTypes.Text,
  ntext: ColumnTypes.Text,
  text: ColumnTypes.Text,
  xml: ColumnTypes.Text,
  datetime2: ColumnTypes.DateTime,
  datetime: ColumnTypes.DateTime,
  smalldatetime: ColumnTypes.DateTime,
  datetimeoffset: ColumnTypes.DateTime,
  date: ColumnTypes.Date,
  time: ColumnTypes.Time,
  real: ColumnTypes.Float,
  float: ColumnTypes.Double,
  money: ColumnTypes.Double,
  decimal: ColumnTypes.Numeric,
  numeric: ColumnTypes.Numeric,
  uniqueidentifier: ColumnTypes.Uuid,
  varbinary: ColumnTypes.Bytes,
  binary: ColumnTypes.Bytes,
} as const satisfies Record<string, ColumnType>;

export type RecordedKind = 'query' | 'execute' | 'script' | 'begin' | 'commit' | 'rollback';

export interface RecordedStatement {
  /** Sequence number across the whole adapter (0-based). */
  seq: number;
  /** 'query' = queryRaw, 'execute' = executeRaw, the rest are transaction lifecycle calls. */
  kind: RecordedKind;
  /** T-SQL as sent to the driver. For begin/commit/rollback: a synthetic marker (the real driver issues these itself). */
  sql: string;
  args: unknown[];
  argTypes: ArgType[];
  /** null = outside a transaction; otherwise a 1-based transaction id. */
  txId: number | null;
  isolationLevel?: IsolationLevel;
  /**
   * A combined read (src/stores/sql/coalesce.ts): the statements it combines, each with its
   * own text and arguments as the reader built it (parameters numbered from 1 again). Each is
   * answered by `respond` on its own, and their one rows are joined side by side.
   */
  parts?: RecordedStatement[];
}

/** What a `respond` hook may return. */
export type CannedResponse =
  | SqlResultSet // for queryRaw
  | number // for executeRaw: affected rows
  | Error // thrown from the driver call (wrap in DriverAdapterError yourself for mapped errors)
  | undefined; // fall through to the default

export interface RecordingAdapterOptions {
  /**
   * Called for every queryRaw/executeRaw. Return a result set (queryRaw),
   * a row count (executeRaw), an Error to throw, or undefined for the default
   * (empty result set / `defaultAffectedRows`).
   */
  respond?: (stmt: RecordedStatement) => CannedResponse | Promise<CannedResponse>;
  /** executeRaw default. Default 1 (so update/delete "find" their record). */
  defaultAffectedRows?: number;
  /**
   * Default true. When `respond` gives nothing for an aggregate statement
   * (count/aggregate without GROUP BY: `SELECT COUNT(*) AS [_count$_all] ...`),
   * answer with ONE row (COUNT -> 0, MAX/MIN/AVG/SUM -> null) like a real DB.
   * An empty result set makes `prisma.x.count()` crash with
   * "Cannot read properties of null (reading '_count')".
   */
  autoAggregateRow?: boolean;
  /** Override getConnectionInfo(); defaults mirror @prisma/adapter-mssql. */
  connectionInfo?: Partial<ConnectionInfo>;
  /** Reported adapterName. Anything works; the client only checks `provider`. */
  adapterName?: string;
  /** Shared log (pass your own array to keep it across factories). */
  log?: RecordedStatement[];
}

export interface RecordingAdapterFactory extends SqlDriverAdapterFactory {
  /** Everything recorded so far, in order. */
  readonly log: RecordedStatement[];
  /** Only queryRaw/executeRaw entries, as sent (a combined read is one). */
  statements(): RecordedStatement[];
  /** `statements()` with each combined read replaced by the statements it combines. */
  reads(): RecordedStatement[];
  /** Clears the log (keeps the same array instance). */
  reset(): void;
  /** Number of times connect() was called. */
  readonly connectCount: number;
}

/** Build a ResultSet: `resultSet([['id', 'int'], ['username', 'nvarchar']], [[1, 'bob']])`. */
export function resultSet(
  columns: Array<[name: string, type: keyof typeof MssqlColumnType | ColumnType]>,
  rows: unknown[][] = [],
): SqlResultSet {
  return {
    columnNames: columns.map(([n]) => n),
    columnTypes: columns.map(([, t]) => (typeof t === 'number' ? t : MssqlColumnType[t])),
    rows,
  };
}

const AGG_START = /^SELECT (COUNT|MAX|MIN|AVG|SUM)\(/;

/** One-row answer for an ungrouped aggregate statement, or undefined if `sql` isn't one. */
export function aggregateRowFor(sql: string): SqlResultSet | undefined {
  if (!AGG_START.test(sql) || /\bGROUP BY\b/.test(sql)) return undefined;
  // split the select list on top-level commas (AVG(CONVERT(DECIMAL(32,16),[id])) nests)
  const selectList = sql.slice('SELECT '.length, sql.indexOf(' FROM '));
  const items: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selectList) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      items.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  items.push(cur.trim());
  const cols = items.map((it) => /^(\w+)\(.*\) AS \[([^\]]+)\]$/.exec(it));
  if (cols.some((m) => m === null)) return undefined;
  return {
    columnNames: cols.map((m) => m![2]),
    columnTypes: cols.map((m) => (m![1] === 'COUNT' ? ColumnTypes.Int32 : ColumnTypes.UnknownNumber)),
    rows: [cols.map((m) => (m![1] === 'COUNT' ? 0 : null))],
  };
}

/**
 * Normalise JS values the way @prisma/adapter-mssql's mapRow does, so canned
 * rows can use Date/boolean: Date -> ISO string, boolean -> 0/1.
 */
export function mssqlRow(values: unknown[]): unknown[] {
  return values.map((v) => (v instanceof Date ? v.toISOString() : typeof v === 'boolean' ? (v ? 1 : 0) : v));
}

export function createRecordingAdapter(opts: RecordingAdapterOptions = {}): RecordingAdapterFactory {
  const log: RecordedStatement[] = opts.log ?? [];
  const adapterName = opts.adapterName ?? 'recording-fake-mssql';
  const provider = 'sqlserver' as const;
  let seq = log.length;
  let txCounter = 0;
  let connectCount = 0;

  const push = (e: Omit<RecordedStatement, 'seq'>): RecordedStatement => {
    const rec = { seq: seq++, ...e };
    log.push(rec);
    return rec;
  };

  const answer = async (rec: RecordedStatement) => {
    const r = opts.respond ? await opts.respond(rec) : undefined;
    if (r instanceof Error) throw r;
    return r;
  };
  const run = async (kind: 'query' | 'execute', q: SqlQuery, txId: number | null) => {
    const parts = kind === 'query' ? splitCombined(q) : undefined;
    // copy args so later mutation by the runtime can't change the record
    const rec = push({
      kind,
      sql: q.sql,
      args: [...q.args],
      argTypes: [...q.argTypes],
      txId,
      ...(parts ? { parts: parts.map((part) => ({ ...part, seq: -1, kind, txId })) } : {}),
    });
    if (!rec.parts) return answer(rec);
    const answers = await Promise.all(
      rec.parts.map(async (part) => {
        const r = await answer(part);
        if (r !== undefined && typeof r !== 'number') return r;
        return aggregateRowFor(part.sql) ?? nullRow(part.sql);
      }),
    );
    return {
      columnNames: answers.flatMap((r) => r.columnNames),
      columnTypes: answers.flatMap((r) => r.columnTypes),
      rows: [answers.flatMap((r) => r.rows[0] ?? [])],
    } satisfies SqlResultSet;
  };

  const makeQueryable = (txId: number | null) => ({
    provider,
    adapterName,
    async queryRaw(q: SqlQuery): Promise<SqlResultSet> {
      const r = await run('query', q, txId);
      if (r === undefined || typeof r === 'number') {
        const agg = opts.autoAggregateRow === false ? undefined : aggregateRowFor(q.sql);
        return agg ?? { columnNames: [], columnTypes: [], rows: [] };
      }
      return r;
    },
    async executeRaw(q: SqlQuery): Promise<number> {
      const r = await run('execute', q, txId);
      if (typeof r === 'number') return r;
      return opts.defaultAffectedRows ?? 1;
    },
  });

  const connectionInfo: ConnectionInfo = {
    maxBindValues: 2098,
    schemaName: undefined,
    supportsRelationJoins: false,
    ...opts.connectionInfo,
  };

  const adapter: SqlDriverAdapter = {
    ...makeQueryable(null),
    async executeScript(script: string): Promise<void> {
      push({ kind: 'script', sql: script, args: [], argTypes: [], txId: null });
    },
    async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
      const txId = ++txCounter;
      push({
        kind: 'begin',
        sql: isolationLevel ? `BEGIN TRANSACTION /* ISOLATION LEVEL ${isolationLevel} */` : 'BEGIN TRANSACTION',
        args: [],
        argTypes: [],
        txId,
        isolationLevel,
      });
      let closed = false;
      const tx: Transaction = {
        ...makeQueryable(txId),
        options: { usePhantomQuery: true },
        async commit() {
          if (closed) throw new Error(`recording adapter: transaction ${txId} already closed`);
          closed = true;
          push({ kind: 'commit', sql: 'COMMIT TRANSACTION', args: [], argTypes: [], txId });
        },
        async rollback() {
          if (closed) return; // like mssql EABORT: tolerate double rollback
          closed = true;
          push({ kind: 'rollback', sql: 'ROLLBACK TRANSACTION', args: [], argTypes: [], txId });
        },
        async createSavepoint(name: string) {
          await tx.executeRaw({ sql: `SAVE TRANSACTION ${name}`, args: [], argTypes: [] });
        },
        async rollbackToSavepoint(name: string) {
          await tx.executeRaw({ sql: `ROLLBACK TRANSACTION ${name}`, args: [], argTypes: [] });
        },
      };
      return tx;
    },
    getConnectionInfo: () => connectionInfo,
    async dispose() {},
  };

  return {
    provider,
    adapterName,
    async connect() {
      connectCount++;
      return adapter;
    },
    get log() {
      return log;
    },
    statements: () => log.filter((e) => e.kind === 'query' || e.kind === 'execute'),
    reads: () => log.filter((e) => e.kind === 'query' || e.kind === 'execute').flatMap((e) => e.parts ?? [e]),
    reset() {
      log.length = 0;
    },
    get connectCount() {
      return connectCount;
    },
  };
}

/**
 * The statements of a combined read (`SELECT * FROM (a) AS c0 CROSS JOIN (b) AS c1 …`), each
 * with its parameters numbered from @P1 again and its slice of the arguments; undefined for any
 * other statement. Parentheses in string literals and [identifiers] are skipped.
 */
export function splitCombined(q: SqlQuery): Pick<RecordedStatement, 'sql' | 'args' | 'argTypes'>[] | undefined {
  const head = 'SELECT * FROM (';
  if (!q.sql.startsWith(head)) return undefined;
  const texts: string[] = [];
  let i = head.length - 1;
  for (let n = 0; ; n++) {
    const end = closing(q.sql, i);
    texts.push(q.sql.slice(i + 1, end));
    const rest = q.sql.slice(end + 1);
    const alias = ` AS c${n}`;
    if (!rest.startsWith(alias)) return undefined;
    const after = end + 1 + alias.length;
    if (after === q.sql.length) break;
    const join = ' CROSS JOIN (';
    if (!q.sql.startsWith(join, after)) return undefined;
    i = after + join.length - 1;
  }
  if (texts.length < 2) return undefined;
  let offset = 0;
  return texts.map((text) => {
    const numbers = [...text.matchAll(/@P(\d+)/g)].map((m) => Number(m[1]));
    const count = numbers.length === 0 ? 0 : Math.max(...numbers) - offset;
    const from = offset;
    const sql = text.replace(/@P(\d+)/g, (_, k: string) => `@P${Number(k) - from}`);
    offset += count;
    return { sql, args: q.args.slice(from, from + count), argTypes: q.argTypes.slice(from, from + count) };
  });
}

/** The index of the parenthesis closing the one at `open`. */
function closing(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'") i = sql.indexOf("'", i + 1);
    else if (ch === '[') i = sql.indexOf(']', i + 1);
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i;
    if (i < 0) break;
  }
  throw new Error(`recording adapter: unbalanced combined read: ${sql}`);
}

/** One row of NULLs, a column per top-level item of a read's select list (FOR JSON with no rows). */
function nullRow(sql: string): SqlResultSet {
  const list = sql.slice('SELECT '.length);
  let depth = 0;
  let columns = 1;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if (ch === "'") i = list.indexOf("'", i + 1);
    else if (ch === '[') i = list.indexOf(']', i + 1);
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && list.startsWith(' FROM ', i)) break;
    else if (ch === ',' && depth === 0) columns++;
    if (i < 0) break;
  }
  return {
    columnNames: Array.from({ length: columns }, (_, k) => `c${k}`),
    columnTypes: Array.from({ length: columns }, () => ColumnTypes.Text),
    rows: [Array.from({ length: columns }, () => null)],
  };
}
