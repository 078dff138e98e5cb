import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../context.js';
import { ConnectionArgs } from '../pagination/args.js';
import type { Connection } from '../pagination/connection.js';
import { singleStorePage } from '../pagination/single-store-page.js';
import { toStock } from './stock-map.js';
import { StockConnection, StockType } from './stock-type.js';

@Resolver(() => StockType)
export class StockResolver {
  @Query(() => StockType, { nullable: true })
  async stock(@Arg('symbol', () => String) symbol: string, @Ctx() { hot }: GatewayContext): Promise<StockType | null> {
    const row = await hot.stock.findUnique({ where: { symbol } });
    return row && toStock(row);
  }

  @Query(() => StockConnection, { description: 'Ordered by symbol.' })
  stocks(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { hot }: GatewayContext,
  ): Promise<Connection<StockType>> {
    return singleStorePage(
      args,
      { name: 'stocks:symbol', field: 'symbol', direction: 'asc', keyType: 'string' },
      (query) => hot.stock.findMany(query),
      () => hot.stock.count(),
      toStock,
    );
  }
}
