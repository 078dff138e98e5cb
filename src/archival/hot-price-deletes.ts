/**
 * The hot delete of a batch of archived prices: a price leaves hot only while every value it
 * has still equals the copy archival just committed in cold (recordStockPrices may update it
 * in between; the updated row stays for the next run).
 *
 * One statement per batch of up to 1000 rows on either engine, built when the batch is copied
 * so that a batch waiting in the delete queue holds its values as text, not as the rows' Decimal
 * objects (64 waiting batches of full rows exhausted the worker's heap):
 * - PostgreSQL: the copied values as ten arrays, joined with unnest;
 * - SQL Server: the copied values as one JSON parameter, joined with OPENJSON (a list of
 *   per-row predicates would need 9 parameters a row against the 2100-parameter limit).
 * Both compare NULL with NULL as equal.
 */
import type { Dialect, Statement } from '../stores/sql/select.js';
import { asText, type HotModels } from '../stores/hot/index.js';

/** The columns compared, hot column name and the model's field. */
const VALUES = [
  ['open', 'open', 'numeric', 'DECIMAL(18, 4)'],
  ['high', 'high', 'numeric', 'DECIMAL(18, 4)'],
  ['low', 'low', 'numeric', 'DECIMAL(18, 4)'],
  ['close', 'close', 'numeric', 'DECIMAL(18, 4)'],
  ['change', 'change', 'numeric', 'DECIMAL(18, 4)'],
  ['volume', 'volume', 'bigint', 'BIGINT'],
  ['turnover', 'turnover', 'bigint', 'BIGINT'],
  ['transaction_count', 'transactionCount', 'int', 'INT'],
] as const;

export type HotPriceDelete = Pick<Statement, 'sql' | 'args' | 'argTypes'>;

/** The delete of `rows` (at most 1000) from hot, of those still dated before `beforeDay` (YYYY-MM-DD). */
export function hotPriceDelete(
  dialect: Dialect,
  rows: readonly HotModels.StockPriceModel[],
  beforeDay: string,
): HotPriceDelete {
  if (dialect === 'postgresql') {
    const arrays = ['int', ...VALUES.map(([, , pgType]) => pgType)].map((type, i) => `$${i + 1}::${type}[]`);
    const columns = VALUES.map(([column]) => column);
    return {
      sql:
        `DELETE FROM "stock_prices" s USING unnest(${arrays.join(', ')}) AS c(id, ${columns.join(', ')}) ` +
        `WHERE s.id = c.id AND s.trade_date < $${arrays.length + 1}::date ` +
        `AND (${columns.map((c) => `s.${c}`).join(', ')}) IS NOT DISTINCT FROM (${columns.map((c) => `c.${c}`).join(', ')})`,
      args: [
        rows.map((row) => String(row.id)),
        ...VALUES.map(([, field]) => rows.map((row) => asText(row[field]))),
        beforeDay,
      ],
      argTypes: [
        ...Array.from({ length: arrays.length }, () => ({ scalarType: 'string' as const, arity: 'list' as const })),
        { scalarType: 'string', arity: 'scalar' },
      ],
    };
  }
  const json = JSON.stringify(
    rows.map((row) => {
      const values: Record<string, number | string | null> = { id: row.id };
      for (const [column, field] of VALUES) values[column] = asText(row[field]);
      return values;
    }),
  );
  const shape = ['[id] INT', ...VALUES.map(([column, , , sqlType]) => `[${column}] ${sqlType}`)].join(', ');
  const same = VALUES.map(
    ([column]) => `(s.[${column}] = c.[${column}] OR (s.[${column}] IS NULL AND c.[${column}] IS NULL))`,
  ).join(' AND ');
  return {
    sql:
      `DELETE s FROM [dbo].[stock_prices] AS s INNER JOIN OPENJSON(@P1) WITH (${shape}) AS c ON s.[id] = c.[id] ` +
      `WHERE s.[trade_date] < @P2 AND ${same}`,
    args: [json, beforeDay],
    argTypes: [
      { scalarType: 'string', arity: 'scalar' },
      { scalarType: 'string', arity: 'scalar' },
    ],
  };
}
