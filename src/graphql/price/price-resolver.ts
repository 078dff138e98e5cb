import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { utcDay } from '../../archival/bounds.js';
import { UserInputError } from '../../errors.js';
import type { GatewayContext } from '../context.js';
import { required } from '../message/message-resolver.js';
import { ConnectionArgs } from '../pagination/args.js';
import type { Connection } from '../pagination/connection.js';
import { stitchedPage } from '../pagination/stitched-page.js';
import { DateScalar } from '../scalars.js';
import { toStock } from '../stock/stock-map.js';
import { StockType } from '../stock/stock-type.js';
import { PRICES_ORDERING, priceSides } from './price-sides.js';
import { StockPriceConnection, StockPriceType } from './price-type.js';

@Resolver(() => StockType)
export class StockPricesResolver {
  @FieldResolver(() => StockPriceType, { nullable: true })
  latestPrice(@Root() stock: StockType, @Ctx() { loaders }: GatewayContext): Promise<StockPriceType | null> {
    return loaders.latestPrice.load(stock.databaseId);
  }

  @FieldResolver(() => StockPriceConnection, { description: 'Newest trade date first; from/to are inclusive bounds.' })
  async prices(
    @Root() stock: StockType,
    @Arg('from', () => DateScalar, { nullable: true }) from: Date | null | undefined,
    @Arg('to', () => DateScalar, { nullable: true }) to: Date | null | undefined,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() context: GatewayContext,
  ): Promise<Connection<StockPriceType>> {
    const range = { from: from ? utcDay(from) : undefined, to: to ? utcDay(to) : undefined };
    if (range.from && range.to && range.from > range.to)
      throw new UserInputError('"from" must not be after "to".', 'from');
    // Prices move by trade date: cold holds days before the cutoff's day, hot the rest.
    const limits = ({ coldBefore, hotFrom }: { coldBefore: Date | null; hotFrom: Date | null }) => ({
      coldBefore: coldBefore && utcDay(coldBefore),
      hotFrom: hotFrom && utcDay(hotFrom),
      range: { min: range.from, max: range.to },
    });
    const cached = await context.bounds.get();
    return stitchedPage(
      args,
      PRICES_ORDERING,
      priceSides(context, stock.databaseId, range),
      { ...limits(cached), stale: cached.stale, restoredThrough: cached.restoredThrough },
      limits,
    );
  }
}

@Resolver(() => StockPriceType)
export class StockPriceResolver {
  @FieldResolver(() => StockType)
  async stock(@Root() price: StockPriceType, @Ctx() { loaders }: GatewayContext): Promise<StockType> {
    return toStock(await required(loaders.stockById.load(price.stockId), 'stock', price.stockId));
  }
}
