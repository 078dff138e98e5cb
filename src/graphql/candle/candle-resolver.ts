import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../context.js';
import { DateScalar } from '../scalars.js';
import { StockType } from '../stock/stock-type.js';
import { candleRange } from './candle-range.js';
import { CandleInterval } from '../enums.js';
import { CandleType } from './candle-type.js';

@Resolver(() => StockType)
export class StockCandlesResolver {
  @FieldResolver(() => [CandleType], {
    description:
      'Daily prices aggregated per interval over both stores, oldest first; from/to are inclusive\nbounds on trade dates. A candle whose days lie partly in each store is one candle, exactly as\nif all its days were in one store. At most 1000 candles per request.',
  })
  async candles(
    @Root() stock: StockType,
    @Arg('interval', () => CandleInterval) interval: CandleInterval,
    @Arg('from', () => DateScalar, { nullable: true }) from: Date | null | undefined,
    @Arg('to', () => DateScalar, { nullable: true }) to: Date | null | undefined,
    @Ctx() context: GatewayContext,
  ): Promise<CandleType[]> {
    // Validated (and the 1000-candle limit applied) before any statement, the bounds included.
    const range = candleRange(interval, from, to);
    const bounds = await context.bounds.get();
    return context.loaders.candles(range, bounds).load(stock.databaseId);
  }
}
