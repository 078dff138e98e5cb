/** The two stores' halves of a stock's price history. */
import type { Condition } from '../../stores/sql/select.js';
import { coldTables, hotTables } from '../../stores/sql/tables.js';
import type { GatewayContext } from '../context.js';
import { EMPTY_SIDE } from '../pagination/prisma-side.js';
import { sqlSide } from '../pagination/sql-side.js';
import type { StitchedOrdering, StitchedSides } from '../pagination/stitched-page.js';
import { priceFromCold, priceFromHot } from './price-map.js';
import type { StockPriceType } from './price-type.js';

export const PRICES_ORDERING: StitchedOrdering = { name: 'stock.prices:tradeDate', direction: 'desc', keyKind: 'day' };

/** `range`: inclusive YYYY-MM-DD bounds on the trade date. */
export function priceSides(
  { hotSql, coldSql, loaders }: GatewayContext,
  stockId: number,
  range: { from?: string; to?: string },
): StitchedSides<StockPriceType> {
  // Batched with the other stocks' of the request (loaders/child-reads.ts).
  const parent = { field: 'stockId', id: stockId };
  const where: Condition[] = [
    ...(range.from ? [{ field: 'tradeDate', op: '>=', value: range.from } as const] : []),
    ...(range.to ? [{ field: 'tradeDate', op: '<=', value: range.to } as const] : []),
  ];
  const entry =
    <Row>(id: (row: Row) => number, toNode: (row: Row) => StockPriceType) =>
    (row: Row) => {
      const node = toNode(row);
      return { id: id(row), key: node.tradeDate, node };
    };
  return {
    hot: sqlSide(loaders.children.of(hotSql, parent), {
      table: hotTables.prices,
      where,
      keyField: 'tradeDate',
      idField: 'id',
      toEntry: entry((row) => row.id, priceFromHot),
      withBounds: true,
    }),
    cold: coldSql
      ? sqlSide(loaders.children.of(coldSql, parent), {
          table: coldTables.prices,
          where,
          keyField: 'tradeDate',
          idField: 'originalId',
          withLatestRestore: true,
          toEntry: entry((row) => row.originalId, priceFromCold),
        })
      : EMPTY_SIDE,
  };
}
