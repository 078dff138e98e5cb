/** Bulk-loading helpers shared by the data set loaders. */
import type pg from 'pg';

/** Session settings for a bulk load: UTC dates, no commit wait, room for index builds. */
export async function prepareLoadSession(client: pg.ClientBase): Promise<void> {
  await client.query(`SET TIME ZONE 'UTC'`);
  await client.query('SET synchronous_commit = off');
  await client.query(`SET maintenance_work_mem = '512MB'`);
}

/**
 * Runs `load` with the secondary indexes of `tables` dropped, then recreates each from its
 * own definition (pg_get_indexdef): the same indexes the migrations created, built once in
 * bulk instead of maintained row by row. Primary keys and constraint-backed indexes stay.
 */
export async function withIndexesDeferred<T>(
  client: pg.ClientBase,
  tables: readonly string[],
  load: () => Promise<T>,
): Promise<T> {
  const { rows } = await client.query<{ name: string; def: string }>(
    `SELECT quote_ident(ic.relname) AS name, pg_get_indexdef(i.indexrelid) AS def
     FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
     WHERE t.relname = ANY($1) AND t.relnamespace = 'public'::regnamespace AND NOT i.indisprimary
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
    [tables],
  );
  for (const { name } of rows) await client.query(`DROP INDEX ${name}`);
  const result = await load();
  for (const { def } of rows) await client.query(def);
  return result;
}

/** Advances each table's SERIAL sequence past its largest id (setval(seq, 1, false) when empty). */
export async function syncSequences(client: pg.ClientBase, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, 'id'), GREATEST(max_id, 1), max_id > 0) FROM (SELECT COALESCE(max(id), 0) AS max_id FROM ${table}) m`,
      [table],
    );
  }
}

/** The number of rows of a table (exact). */
export async function countRows(client: pg.ClientBase, table: string, where = 'true'): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`);
  return Number(rows[0].n);
}
