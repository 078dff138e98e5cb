import type { HotModels } from '../../stores/hot/index.js';
import type { StockType } from './stock-type.js';

export function toStock(row: HotModels.StockModel): StockType {
  return {
    __typename: 'Stock',
    databaseId: row.id,
    symbol: row.symbol,
    name: row.name,
    market: row.market,
  };
}
