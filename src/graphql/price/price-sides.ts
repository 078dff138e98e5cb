/** The two stores' halves of a stock's price history. */
import type { GatewayContext } from '../context.js';
import { EMPTY_SIDE, prismaSide } from '../pagination/prisma-side.js';
import type { SortKey, StitchedOrdering, StitchedSides } from '../pagination/stitched-page.js';
import { priceFromCold, priceFromHot } from './price-map.js';
import type { StockPriceType } from './price-type.js';

export const PRICES_ORDERING: StitchedOrdering = { name: 'stock.prices:tradeDate', direction: 'desc', keyKind: 'day' };

/** A DATE column's value for a YYYY-MM-DD day. */
export const dayValue = (key: SortKey): Date => new Date(`${String(key)}T00:00:00.000Z`);

export function priceSides({ hot, cold }: GatewayContext, stockId: number, range: { from?: string; to?: string }): StitchedSides<StockPriceType> {
  const tradeDate = { ...(range.from ? { gte: dayValue(range.from) } : {}), ...(range.to ? { lte: dayValue(range.to) } : {}) };
  const where = { stockId, ...(range.from || range.to ? { tradeDate } : {}) };
  return {
    hot: prismaSide(hot.stockPrice, {
      where,
      keyField: 'tradeDate',
      idField: 'id',
      keyValue: dayValue,
      toEntry: (row) => {
        const node = priceFromHot(row);
        return { id: row.id, key: node.tradeDate, node };
      },
    }),
    cold: cold
      ? prismaSide(cold.stockPriceHistory, {
          where,
          keyField: 'tradeDate',
          idField: 'originalId',
          keyValue: dayValue,
          toEntry: (row) => {
            const node = priceFromCold(row);
            return { id: row.originalId, key: node.tradeDate, node };
          },
        })
      : EMPTY_SIDE,
  };
}
