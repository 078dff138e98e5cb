/**
 * The start-up recovery on the SQL Server path (which cannot run here), through the SQL Server
 * Prisma client on a recording driver adapter, at most 1000 ids per statement: a restore's
 * batches only read hot and delete the cold copies found there; an archive's delete the hot
 * copies found (finishing the move, never undoing it). The cold store (PostgreSQL) is a fake
 * that answers the journal and records the rest.
 */
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { finishInFlight } from '../../src/archival/in-flight.js';
import { createHotClient } from '../../src/stores/hot/index.js';
import { createRecordingAdapter, resultSet } from '../support/recording-adapter.js';

/** SQL Server refuses statements with more than 2100 parameters. */
const SQL_SERVER_MAX_PARAMETERS = 2100;

/**
 * A recording SQL Server adapter whose hot store holds `held`: a SELECT answers the ids of its
 * arguments found there, a DELETE reports one row affected per id it names.
 */
function hotHolding(held: readonly number[]) {
  const hotIds = new Set(held);
  return createRecordingAdapter({
    respond: (statement) => {
      if (statement.sql.startsWith('DELETE')) return statement.args.length;
      if (!statement.sql.startsWith('SELECT')) return undefined;
      const ids = statement.args.filter((arg): arg is number => typeof arg === 'number' && hotIds.has(arg));
      return resultSet(
        [['id', 'int']],
        ids.map((id) => [id]),
      );
    },
  });
}

describe('finishInFlight on a SQL Server hot store', () => {
  it("reads which of a restore's journalled ids are hot with plain SELECTs, then deletes only those cold copies", async () => {
    const adapter = hotHolding([2, 1500, 2400]);
    const hot = createHotClient(adapter);
    const cold: { sql: string; params: unknown[] }[] = [];
    const journal = [
      { id: '7', run_id: 3, dataset: 'messages', ids: Array.from({ length: 2500 }, (_, i) => i + 1), kind: 'RESTORE' },
      { id: '8', run_id: 3, dataset: 'stockPrices', ids: [9, 10], kind: 'RESTORE' },
    ];
    const fakeCold = {
      query: async (sql: string, params: unknown[] = []) => {
        cold.push({ sql, params });
        if (sql.includes('FROM archival_in_flight j')) return { rows: journal };
        if (sql.startsWith('WITH gone')) return { rows: [{ n: (params[0] as number[]).length }] };
        return { rows: [] };
      },
    } as unknown as pg.Client;

    const finished = await finishInFlight(hot, fakeCold);

    expect(finished).toEqual([
      { runId: 3, dataset: 'messages', ids: 2500, coldDeleted: 3, hotDeleted: 0 },
      { runId: 3, dataset: 'stockPrices', ids: 2, coldDeleted: 0, hotDeleted: 0 },
    ]);
    const statements = adapter.statements();
    // 2500 message ids in three statements of at most 1000, one for the prices; reads only.
    expect(statements.map((s) => s.sql.match(/FROM \[dbo\]\.\[(\w+)\]/)?.[1])).toEqual([
      'messages',
      'messages',
      'messages',
      'stock_prices',
    ]);
    for (const statement of statements) {
      expect(statement.sql).toMatch(/^SELECT /);
      expect(statement.args.length).toBeLessThanOrEqual(SQL_SERVER_MAX_PARAMETERS);
    }
    // Cold: the message copies found hot deleted with their activity; the prices' journal row
    // dropped with nothing to delete; each row in its own transaction.
    const coldDeletes = cold.filter((c) => c.sql.startsWith('WITH gone'));
    expect(coldDeletes).toHaveLength(1);
    expect(coldDeletes[0].sql).toContain('DELETE FROM messages_archive');
    expect(coldDeletes[0].sql).toContain('UPDATE user_activity');
    expect(coldDeletes[0].params).toEqual([[2, 1500, 2400]]);
    expect(cold.filter((c) => c.sql.startsWith('DELETE FROM archival_in_flight')).map((c) => c.params)).toEqual([
      ['7'],
      ['8'],
    ]);
    expect(cold.filter((c) => c.sql === 'BEGIN')).toHaveLength(2);
    expect(cold.filter((c) => c.sql === 'COMMIT')).toHaveLength(2);
  });

  it("finishes an archive's batch in hot: deletes the hot copies of the journalled ids found there, never their cold copies", async () => {
    const adapter = hotHolding([2, 1500, 2400]);
    const hot = createHotClient(adapter);
    const cold: { sql: string; params: unknown[] }[] = [];
    const fakeCold = {
      query: async (sql: string, params: unknown[] = []) => {
        cold.push({ sql, params });
        if (sql.includes('FROM archival_in_flight j'))
          return {
            rows: [
              {
                id: '9',
                run_id: 4,
                dataset: 'messages',
                ids: Array.from({ length: 2500 }, (_, i) => i + 1),
                kind: 'ARCHIVE',
              },
            ],
          };
        return { rows: [] };
      },
    } as unknown as pg.Client;

    const finished = await finishInFlight(hot, fakeCold);

    expect(finished).toEqual([{ runId: 4, dataset: 'messages', ids: 2500, coldDeleted: 0, hotDeleted: 3 }]);
    const statements = adapter.statements();
    // Three reads of at most 1000 ids, then one delete of exactly the ids found hot.
    expect(statements.filter((s) => s.sql.startsWith('SELECT'))).toHaveLength(3);
    const deletes = statements.filter((s) => s.sql.startsWith('DELETE'));
    expect(deletes).toHaveLength(1);
    expect(deletes[0].sql).toMatch(/^DELETE FROM \[dbo\]\.\[messages\]/);
    expect(deletes[0].args).toEqual([2, 1500, 2400]);
    for (const statement of statements) expect(statement.args.length).toBeLessThanOrEqual(SQL_SERVER_MAX_PARAMETERS);
    // Cold keeps the copies; only the journal row goes.
    expect(cold.filter((c) => c.sql.startsWith('WITH gone'))).toHaveLength(0);
    expect(cold.filter((c) => c.sql.startsWith('DELETE FROM archival_in_flight')).map((c) => c.params)).toEqual([
      ['9'],
    ]);
  });
});
