import type { ColdModels } from '../../stores/cold/index.js';
import type { HotModels } from '../../stores/hot/index.js';
import { utcDay } from '../../archival/bounds.js';
import { Tier } from '../enums.js';
import type { StockPriceType } from './price-type.js';

type PriceColumns = Pick<
  HotModels.StockPriceModel,
  'stockId' | 'tradeDate' | 'open' | 'high' | 'low' | 'close' | 'change' | 'volume' | 'turnover' | 'transactionCount'
>;

function toPrice(id: number, row: PriceColumns, tier: Tier, archivedAt: Date | null): StockPriceType {
  return {
    __typename: 'StockPrice',
    databaseId: id,
    stockId: row.stockId,
    // DATE columns arrive as midnight UTC.
    tradeDate: utcDay(row.tradeDate),
    open: row.open,
    high: row.high,
    low: row.low,
    close: row.close,
    change: row.change,
    volume: row.volume,
    turnover: row.turnover,
    transactionCount: row.transactionCount,
    tier,
    archivedAt,
  };
}

export function priceFromHot(row: HotModels.StockPriceModel): StockPriceType {
  return toPrice(row.id, row, Tier.HOT, null);
}

export function priceFromCold(row: ColdModels.StockPriceHistoryModel): StockPriceType {
  return toPrice(row.originalId, row, Tier.COLD, row.archivedAt);
}
