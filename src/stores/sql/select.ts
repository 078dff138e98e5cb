/**
 * The read path's SELECT statements, in the dialect of the store they go to, each returning
 * its rows as one JSON text value:
 *
 * - PostgreSQL: `SELECT coalesce(json_agg(t0 ORDER BY …), '[]') FROM (SELECT … LIMIT n) t0`,
 *   the keyset as a row-value comparison `(key, id) < ($k, $id)`, which the planner turns into
 *   an index range whatever the values; id lists as `= ANY($1)`, one statement text for any
 *   number of ids (so it is prepared once per connection).
 * - SQL Server: `SELECT (SELECT TOP (n) … FOR JSON PATH, INCLUDE_NULL_VALUES)`, the keyset as
 *   `key <= @k AND (key < @k OR (key = @k AND id < @id))` (T-SQL has no row-value comparison;
 *   the leading bound starts the index seek at the cursor); id lists as `IN (@P1, …)`.
 *
 * One JSON value per statement instead of one protocol row per record: the database builds
 * the text on its own core, and the gateway parses it with JSON.parse. Decimals and bigints
 * are selected as text so that no digit passes through a binary float; instants and days are
 * parsed back by the reader (reader.ts).
 */
import type { ArgType } from '@prisma/driver-adapter-utils';
import type { AnyTable, ColumnKind } from './tables.js';

export type Dialect = 'postgresql' | 'sqlserver';

export interface Statement {
  readonly sql: string;
  readonly args: unknown[];
  readonly argTypes: ArgType[];
  /** Kinds of the fields of each row, to parse them back (a join's under `<as>$<field>`). */
  readonly kinds: Readonly<Record<string, ColumnKind>>;
  /** How many columns its one result row has (every read answers one row: coalesce.ts). */
  readonly columns: number;
}

export type SortDirection = 'asc' | 'desc';

/**
 * A condition on a field: equality, a bound, membership, or a case-insensitive substring of
 * a text column (`contains`, LIKE's wildcards in `text` matched literally: PostgreSQL ILIKE,
 * served by a trigram index where there is one; SQL Server LIKE, case-insensitive under its
 * default collation).
 */
export type Condition =
  | { readonly field: string; readonly op: '=' | '>=' | '<=' | '<' | '>'; readonly value: unknown }
  | { readonly field: string; readonly op: 'in'; readonly values: readonly unknown[] }
  | { readonly field: string; readonly op: 'contains'; readonly text: string };

/** Another table joined one-to-one (a message's sender), its fields returned as `<as>$<field>`. */
export interface Join {
  readonly table: AnyTable;
  /** The field of the main table that holds the joined table's id. */
  readonly on: string;
  readonly as: string;
}

export interface SelectSpec {
  readonly table: AnyTable;
  readonly where: readonly Condition[];
  /** Order by (key, id) in `direction`, from after `after` when given. */
  readonly order?: {
    readonly key: string;
    readonly id: string;
    readonly direction: SortDirection;
    readonly after?: { readonly value: unknown; readonly id: number };
  };
  readonly take?: number;
  readonly join?: Join;
  /**
   * One window per parent: `order`, `after` and `take` apply to the rows of each value of
   * `field` in `values` on their own (PostgreSQL: a LATERAL subquery per element of an
   * unnest; SQL Server: CROSS APPLY over a VALUES list, one parameter per value), each an
   * index seek like the page of one parent. Rows come back grouped by `field`, each group in
   * the page's order.
   */
  readonly perParent?: PerParent;
  /**
   * Also read the hot store's published archive bounds (bounds.ts), in the same statement and
   * so the same snapshot as the rows, as a second column `bounds` (JSON, null without the row).
   * Only for the hot store, which holds archive_bounds.
   */
  readonly withBounds?: boolean;
  /**
   * Also read the id of the newest restore recorded in the cold store's archival_runs (running
   * or ended), in the same statement as the rows, as a column `latest_restore` after the rows
   * (and the bounds). Only for the cold store (PostgreSQL), which records the runs: a page
   * compares it with the bounds it decided by (stitched-page.ts).
   */
  readonly withLatestRestore?: boolean;
  /**
   * Not part of the statement: which read of the same page this is (a re-read after a restore,
   * stitched-page.ts), so that a batching loader (graphql/loaders/child-reads.ts) reads again
   * instead of answering the earlier read it cached.
   */
  readonly round?: number;
}

/** The published bounds as a statement reads them with its rows (`withBounds`). */
export interface PublishedBounds {
  readonly coldBefore: Date | null;
  readonly hotFrom: Date | null;
  /** The newest restore that had ended (bounds.ts); null: none. */
  readonly restoredThrough: number | null;
}

/** The published bounds as one JSON column after a statement's rows (`withBounds`), per dialect. */
export const BOUNDS_COLUMN: Record<Dialect, string> = {
  postgresql: `(SELECT json_build_object('coldBefore', cold_before, 'hotFrom', hot_from, 'restoredThrough', restored_through) FROM "archive_bounds" WHERE id = 1) AS bounds`,
  sqlserver:
    '(SELECT [cold_before] AS [coldBefore], [hot_from] AS [hotFrom], [restored_through] AS [restoredThrough] FROM [dbo].[archive_bounds] WHERE [id] = 1 FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES) AS [bounds]',
};

/** Every restore is recorded here before it copies a row (archival/recorded-run.ts). */
export const LATEST_RESTORE_SQL = `(SELECT max(id) FROM archival_runs WHERE kind = 'RESTORE' AND NOT dry_run) AS latest_restore`;

export interface PerParent {
  /** An int field of the table (a comment's postId). */
  readonly field: string;
  readonly values: readonly number[];
}

export const MAIN = 't0';
const JOINED = 't1';
const PARENTS = 'p';
const WINDOW = 'w';

export function selectStatement(dialect: Dialect, spec: SelectSpec): Statement {
  const b = new Builder(dialect);
  const selected: string[] = [];
  const kinds: Record<string, ColumnKind> = {};
  const select = (t: AnyTable, alias: string, prefix: string) => {
    for (const field of Object.keys(t.columns)) {
      const { sql, kind } = b.column(t, alias, field);
      const name = prefix ? `${prefix}$${field}` : field;
      kinds[name] = kind;
      selected.push(`${b.selected(sql, kind)} AS ${b.quote(name)}`);
    }
  };
  select(spec.table, MAIN, '');
  let from = b.from(spec.table);
  if (spec.join) {
    select(spec.join.table, JOINED, spec.join.as);
    from += ` JOIN ${b.table(spec.join.table)} ${JOINED} ON ${b.column(spec.join.table, JOINED, 'id').sql} = ${b.column(spec.table, MAIN, spec.join.on).sql}`;
  }
  const parents = spec.perParent && b.parents(spec.table, spec.perParent);
  const predicates = [...(parents ? [parents.predicate] : []), ...b.predicates(spec.table, spec.where)];

  let orderBy = '';
  /** The result's order, by the selected rows' field names. */
  let resultOrder: (readonly [field: string, dir: string])[] = spec.perParent ? [[spec.perParent.field, 'ASC']] : [];
  if (spec.order) {
    const key = b.column(spec.table, MAIN, spec.order.key);
    const id = b.column(spec.table, MAIN, spec.order.id);
    const dir = spec.order.direction === 'asc' ? 'ASC' : 'DESC';
    const after = spec.order.after;
    if (after) {
      const op = spec.order.direction === 'asc' ? '>' : '<';
      if (dialect === 'postgresql') {
        predicates.push(
          `(${key.sql}, ${id.sql}) ${op} (${b.bind(after.value, key.kind)}, ${b.bind(after.id, id.kind)})`,
        );
      } else {
        const value = b.bind(after.value, key.kind);
        predicates.push(
          `${key.sql} ${op}= ${value} AND (${key.sql} ${op} ${value} OR (${key.sql} = ${value} AND ${id.sql} ${op} ${b.bind(after.id, id.kind)}))`,
        );
      }
    }
    // Ordered by the id alone when the id is the key.
    const byKey = spec.order.key === spec.order.id ? [] : [spec.order.key];
    orderBy = ` ORDER BY ${[...byKey.map(() => key.sql), id.sql].map((column) => `${column} ${dir}`).join(', ')}`;
    resultOrder = [...resultOrder, ...[...byKey, spec.order.id].map((field) => [field, dir] as const)];
  }
  const where = predicates.length > 0 ? ` WHERE ${predicates.join(' AND ')}` : '';
  // Grouped by parent first: the caller splits the rows by it (graphql/loaders/child-reads.ts).
  const ordered = (alias: string) =>
    resultOrder.length === 0
      ? ''
      : ` ORDER BY ${resultOrder.map(([field, dir]) => `${alias}.${b.quote(field)} ${dir}`).join(', ')}`;

  if (dialect === 'postgresql') {
    const limit = spec.take === undefined ? '' : ` LIMIT ${b.bind(spec.take, 'int')}`;
    const inner = `SELECT ${selected.join(', ')} FROM ${from}${where}${orderBy}${limit}`;
    const rows = parents ? `SELECT ${WINDOW}.* FROM ${parents.from} CROSS JOIN LATERAL (${inner}) ${WINDOW}` : inner;
    const bounds = spec.withBounds ? `, ${BOUNDS_COLUMN.postgresql}` : '';
    const latestRestore = spec.withLatestRestore ? `, ${LATEST_RESTORE_SQL}` : '';
    return {
      sql: `SELECT coalesce(json_agg(${MAIN}${ordered(MAIN)}), '[]') AS rows${bounds}${latestRestore} FROM (${rows}) ${MAIN}`,
      ...b.bound(),
      kinds,
      columns: 1 + (spec.withBounds ? 1 : 0) + (spec.withLatestRestore ? 1 : 0),
    };
  }
  // The cold store, which records the runs, is always PostgreSQL.
  if (spec.withLatestRestore) throw new Error('withLatestRestore reads the cold store (PostgreSQL) only');
  const top = spec.take === undefined ? '' : `TOP (${b.bind(spec.take, 'int')}) `;
  const inner = `SELECT ${top}${selected.join(', ')} FROM ${from}${where}${orderBy}`;
  const rows = parents
    ? `SELECT ${WINDOW}.* FROM ${parents.from} CROSS APPLY (${inner}) ${WINDOW}${ordered(WINDOW)}`
    : inner;
  return {
    sql: `SELECT (${rows} FOR JSON PATH, INCLUDE_NULL_VALUES) AS [rows]${
      spec.withBounds ? `, ${BOUNDS_COLUMN.sqlserver}` : ''
    }`,
    ...b.bound(),
    kinds,
    columns: spec.withBounds ? 2 : 1,
  };
}

/** The number of rows matching `where`, as one integer column `n` (not JSON). */
export function countStatement(dialect: Dialect, spec: Pick<SelectSpec, 'table' | 'where'>): Statement {
  const b = new Builder(dialect);
  const predicates = b.predicates(spec.table, spec.where);
  const where = predicates.length > 0 ? ` WHERE ${predicates.join(' AND ')}` : '';
  const count = dialect === 'postgresql' ? 'count(*)::int' : 'COUNT(*)';
  return {
    sql: `SELECT ${count} AS n FROM ${b.from(spec.table)}${where}`,
    ...b.bound(),
    kinds: { n: 'int' },
    columns: 1,
  };
}

/**
 * The number of rows matching `where` for each value of `by.field` in `by.values`, as one JSON
 * value of rows {k, n} (one row like every read: coalesce.ts): one grouped count for many
 * parents. A parent without rows has no row.
 */
export function groupedCountStatement(
  dialect: Dialect,
  spec: Pick<SelectSpec, 'table' | 'where'> & { readonly by: PerParent },
): Statement {
  const b = new Builder(dialect);
  const { field, values } = spec.by;
  const predicates = b.predicates(spec.table, [{ field, op: 'in', values }, ...spec.where]);
  const key = b.column(spec.table, MAIN, field).sql;
  const grouped = (count: string) =>
    `SELECT ${key} AS ${b.quote('k')}, ${count} AS ${b.quote('n')} FROM ${b.from(spec.table)} WHERE ${predicates.join(' AND ')} GROUP BY ${key}`;
  return {
    sql:
      dialect === 'postgresql'
        ? `SELECT coalesce(json_agg(g), '[]') AS rows FROM (${grouped('count(*)::int')}) g`
        : `SELECT (${grouped('COUNT(*)')} FOR JSON PATH) AS [rows]`,
    ...b.bound(),
    kinds: { k: 'int', n: 'int' },
    columns: 1,
  };
}

/** Identifiers, parameters and casts of one statement in one dialect (the candle statement shares it). */
export class Builder {
  private readonly args: unknown[] = [];
  private readonly argTypes: ArgType[] = [];

  constructor(private readonly dialect: Dialect) {}

  quote(name: string): string {
    return this.dialect === 'postgresql' ? `"${name}"` : `[${name}]`;
  }

  table(t: AnyTable): string {
    return this.dialect === 'postgresql' ? this.quote(t.name) : `[dbo].${this.quote(t.name)}`;
  }

  from(t: AnyTable): string {
    return `${this.table(t)} ${MAIN}`;
  }

  column(t: AnyTable, alias: string, field: string): { sql: string; kind: ColumnKind } {
    const entry = t.columns[field];
    if (!entry) throw new Error(`${t.name} has no field ${field}`);
    return { sql: `${alias}.${this.quote(entry[0])}`, kind: entry[1] };
  }

  /** How a column is selected: decimals and bigints as text. */
  selected(sql: string, kind: ColumnKind): string {
    if (kind !== 'decimal' && kind !== 'bigint') return sql;
    return this.dialect === 'postgresql' ? `${sql}::text` : `CAST(${sql} AS nvarchar(40))`;
  }

  /** The parents of a per-parent select as a row source `p(parent)`, and the main table's condition on it. */
  parents(t: AnyTable, { field, values }: PerParent): { from: string; predicate: string } {
    const column = this.column(t, MAIN, field);
    const source =
      this.dialect === 'postgresql'
        ? `unnest(${this.list(values, column.kind)}) AS ${PARENTS}(parent)`
        : `(VALUES ${values.map((value) => `(${this.bind(value, column.kind)})`).join(', ')}) AS ${PARENTS}(parent)`;
    return { from: source, predicate: `${column.sql} = ${PARENTS}.parent` };
  }

  predicates(t: AnyTable, conditions: readonly Condition[]): string[] {
    return conditions.map((condition) => {
      const { sql, kind } = this.column(t, MAIN, condition.field);
      if (condition.op === 'contains') {
        const pattern = `%${this.dialect === 'postgresql' ? escapePostgresLike(condition.text) : escapeSqlServerLike(condition.text)}%`;
        return `${sql} ${this.dialect === 'postgresql' ? 'ILIKE' : 'LIKE'} ${this.bind(pattern, 'text')}`;
      }
      if (condition.op !== 'in') return `${sql} ${condition.op} ${this.bind(condition.value, kind)}`;
      if (this.dialect === 'postgresql') return `${sql} = ANY(${this.list(condition.values, kind)})`;
      return `${sql} IN (${condition.values.map((value) => this.bind(value, kind)).join(', ')})`;
    });
  }

  /** One PostgreSQL array parameter for `values` (one statement text for any number of them). */
  list(values: readonly unknown[], kind: ColumnKind): string {
    this.args.push(values.map((value) => this.value(value, kind)));
    this.argTypes.push(this.type(kind, true));
    return `$${this.args.length}::${PG_TYPES[kind]}[]`;
  }

  /** A parameter for `value`, typed for a column of `kind`. */
  bind(value: unknown, kind: ColumnKind): string {
    this.args.push(this.value(value, kind));
    this.argTypes.push(this.type(kind, false));
    const n = this.args.length;
    if (this.dialect === 'postgresql') return `$${n}${pgCast(kind)}`;
    return kind === 'instant' ? `CAST(@P${n} AS datetime2(3))` : kind === 'day' ? `CAST(@P${n} AS date)` : `@P${n}`;
  }

  bound(): { args: unknown[]; argTypes: ArgType[] } {
    return { args: this.args, argTypes: this.argTypes };
  }

  /**
   * Instants travel as text in UTC (ISO 8601 with its Z for TIMESTAMPTZ; `YYYY-MM-DD
   * hh:mm:ss.fff` for DATETIME2, which has no zone), days as YYYY-MM-DD: no driver gets to
   * apply a time zone of its own.
   */
  private value(value: unknown, kind: ColumnKind): unknown {
    if (value instanceof Date) {
      const iso = value.toISOString();
      if (kind === 'day') return iso.slice(0, 10);
      return this.dialect === 'postgresql' ? iso : iso.replace('T', ' ').replace('Z', '');
    }
    if (typeof value === 'bigint') return value.toString();
    return value;
  }

  private type(kind: ColumnKind, list: boolean): ArgType {
    const scalarType =
      kind === 'int'
        ? 'int'
        : kind === 'boolean'
          ? 'boolean'
          : kind === 'bigint' && this.dialect === 'sqlserver'
            ? 'bigint'
            : 'string';
    return { scalarType, arity: list ? 'list' : 'scalar' };
  }
}

const PG_TYPES: Record<ColumnKind, string> = {
  int: 'int',
  text: 'text',
  instant: 'timestamptz',
  day: 'date',
  decimal: 'numeric',
  bigint: 'bigint',
  boolean: 'boolean',
};

/** PostgreSQL parameter casts: text arguments typed as their column. */
function pgCast(kind: ColumnKind): string {
  return kind === 'text' ? '' : `::${PG_TYPES[kind]}`;
}

/** PostgreSQL's LIKE escapes with a backslash by default. */
function escapePostgresLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** SQL Server's LIKE has no default escape character: a wildcard in brackets is literal. */
function escapeSqlServerLike(text: string): string {
  return text.replace(/[[%_]/g, '[$&]');
}
