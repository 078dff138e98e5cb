/**
 * Combines the partial candles of the two stores into candles, exactly as if every day were
 * in one store (stores/sql/candles.ts):
 * - a day that may be in both stores arrives as its own partial (`day` set): the first one
 *   seen is kept, the hot store's, since its rows are read first; the same day from the
 *   cold store is the same row, copied by archival;
 * - the partials of one (stock, period) combine: open of the partial with the earliest
 *   first trade date, close of the one with the latest last trade date, the highest high and
 *   the lowest low (nulls ignored, as SQL's max/min do), sums of volume, turnover (null when
 *   every day's is null, as SQL's sum) and trading days.
 * Decimals stay Prisma Decimals (stores/decimal.ts): compared exactly, never through a float.
 */
import type { CandlePartialRow } from '../../stores/sql/candles.js';
import type { CandleType } from './candle-type.js';

/** Candles per stock, oldest first; `partials` in the order read (hot store first). */
export function mergeCandles(partials: Iterable<CandlePartialRow>): Map<number, CandleType[]> {
  const seenDays = new Set<string>();
  const byPeriod = new Map<string, CandleType & { stockId: number }>();
  for (const partial of partials) {
    if (partial.day !== null) {
      const dayKey = `${partial.stockId}|${partial.day}`;
      if (seenDays.has(dayKey)) continue;
      seenDays.add(dayKey);
    }
    const key = `${partial.stockId}|${partial.period}`;
    const known = byPeriod.get(key);
    byPeriod.set(key, known ? combine(known, partial) : { ...fromPartial(partial), stockId: partial.stockId });
  }
  const byStock = new Map<number, CandleType[]>();
  for (const { stockId, ...candle } of byPeriod.values()) {
    const list = byStock.get(stockId) ?? [];
    list.push(candle);
    byStock.set(stockId, list);
  }
  for (const list of byStock.values()) list.sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
  return byStock;
}

function fromPartial(partial: CandlePartialRow): CandleType {
  const { period, firstTradeDate, lastTradeDate, open, high, low, close, volume, turnover, tradingDays } = partial;
  return { period, firstTradeDate, lastTradeDate, open, high, low, close, volume, turnover, tradingDays };
}

function combine<T extends CandleType>(candle: T, partial: CandlePartialRow): T {
  const earlier = partial.firstTradeDate < candle.firstTradeDate;
  const later = partial.lastTradeDate > candle.lastTradeDate;
  return {
    ...candle,
    firstTradeDate: earlier ? partial.firstTradeDate : candle.firstTradeDate,
    open: earlier ? partial.open : candle.open,
    lastTradeDate: later ? partial.lastTradeDate : candle.lastTradeDate,
    close: later ? partial.close : candle.close,
    high: extreme(candle.high as CandlePartialRow['high'], partial.high, 'max'),
    low: extreme(candle.low as CandlePartialRow['low'], partial.low, 'min'),
    volume: sum(candle.volume, partial.volume),
    turnover: sum(candle.turnover, partial.turnover),
    tradingDays: candle.tradingDays + partial.tradingDays,
  };
}

type Decimal = NonNullable<CandlePartialRow['high']>;

function extreme(a: Decimal | null, b: Decimal | null, which: 'max' | 'min'): Decimal | null {
  if (a === null) return b;
  if (b === null) return a;
  return (which === 'max' ? b.greaterThan(a) : b.lessThan(a)) ? b : a;
}

function sum(a: bigint | null, b: bigint | null): bigint | null {
  if (a === null) return b;
  if (b === null) return a;
  return a + b;
}
