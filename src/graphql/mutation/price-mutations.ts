/**
 * recordStockPrices: insert or update daily prices by (symbol, tradeDate), wherever the row
 * lives. Every input is validated before anything is written.
 *
 * Hot holds no row older than the archive's cutoff (the read path skips it for such ranges),
 * so a new price dated before the highest cutoff any run has used goes to the cold store: it
 * takes its id from a hot insert, as every archived row has a hot id, then moves at once.
 */
import { Arg, Ctx, Field, InputType, Int, Mutation, Resolver } from 'type-graphql';
import { utcDay } from '../../archival/bounds.js';
import { requireAdmin } from '../../auth/guards.js';
import { NotFoundError, UserInputError } from '../../errors.js';
import { DecimalNumber } from '../../stores/decimal.js';
import type { GatewayContext } from '../context.js';
import { BigIntScalar, DateScalar, DecimalScalar } from '../scalars.js';

export const MAX_PRICES_PER_CALL = 1000;

@InputType('StockPriceInput')
export class StockPriceInput {
  @Field(() => String)
  symbol!: string;

  @Field(() => DateScalar)
  tradeDate!: Date;

  @Field(() => DecimalScalar, { nullable: true })
  open?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  high?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  low?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  close?: string | null;

  @Field(() => DecimalScalar, { nullable: true })
  change?: string | null;

  @Field(() => BigIntScalar, { nullable: true })
  volume?: bigint | number | null;

  @Field(() => BigIntScalar, { nullable: true })
  turnover?: bigint | number | null;

  @Field(() => Int, { nullable: true })
  transactionCount?: number | null;
}

@Resolver()
export class PriceMutations {
  @Mutation(() => Int, {
    description: 'Admin: insert or update daily prices by (symbol, tradeDate); returns the number of rows written.',
  })
  async recordStockPrices(
    @Arg('prices', () => [StockPriceInput]) prices: StockPriceInput[],
    @Ctx() { viewer, hot, cold }: GatewayContext,
  ): Promise<number> {
    requireAdmin(viewer, 'recordStockPrices');
    if (prices.length > MAX_PRICES_PER_CALL)
      throw new UserInputError(
        `"prices" may hold at most ${MAX_PRICES_PER_CALL} rows (got ${prices.length}).`,
        'prices',
      );
    prices.forEach(validate);
    const seen = new Set<string>();
    prices.forEach((price, i) => {
      const key = `${price.symbol}|${utcDay(price.tradeDate)}`;
      if (seen.has(key))
        throw new UserInputError(`prices[${i}] repeats ${price.symbol} on ${utcDay(price.tradeDate)}.`, `prices[${i}]`);
      seen.add(key);
    });
    const symbols = [...new Set(prices.map((p) => p.symbol))];
    const stocks = new Map(
      (await hot.stock.findMany({ where: { symbol: { in: symbols } }, select: { id: true, symbol: true } })).map(
        (s) => [s.symbol, s.id],
      ),
    );
    prices.forEach((price, i) => {
      if (!stocks.has(price.symbol))
        throw new NotFoundError(`No stock has the symbol "${price.symbol}".`, `prices[${i}].symbol`);
    });

    // Fresh, not cached: a run in progress counts (its cutoff is recorded before it moves rows).
    const [{ cutoff }] = cold
      ? await cold.$queryRaw<
          { cutoff: Date | null }[]
        >`SELECT max(cutoff) AS cutoff FROM archival_runs WHERE NOT dry_run AND kind = 'ARCHIVE'`
      : [{ cutoff: null }];
    const coldDay = cutoff ? utcDay(cutoff) : undefined;
    for (const price of prices) {
      const stockId = stocks.get(price.symbol)!;
      const tradeDate = new Date(`${utcDay(price.tradeDate)}T00:00:00.000Z`);
      const values = {
        open: price.open ?? null,
        high: price.high ?? null,
        low: price.low ?? null,
        close: price.close ?? null,
        change: price.change ?? null,
        volume: price.volume == null ? null : BigInt(price.volume),
        turnover: price.turnover == null ? null : BigInt(price.turnover),
        transactionCount: price.transactionCount ?? null,
      };
      const where = { stockId_tradeDate: { stockId, tradeDate } };
      if (await hot.stockPrice.findUnique({ where, select: { id: true } })) {
        await hot.stockPrice.update({ where, data: values });
      } else if (cold && (await cold.stockPriceHistory.findUnique({ where, select: { id: true } }))) {
        await cold.stockPriceHistory.update({ where, data: values });
      } else {
        const row = await hot.stockPrice.create({ data: { stockId, tradeDate, ...values, createdAt: new Date() } });
        if (cold && coldDay !== undefined && utcDay(tradeDate) < coldDay) {
          await cold.stockPriceHistory.create({
            data: { originalId: row.id, stockId, tradeDate, ...values, createdAt: row.createdAt },
          });
          await hot.stockPrice.delete({ where: { id: row.id } });
        }
      }
    }
    return prices.length;
  }
}

function validate(price: StockPriceInput, i: number): void {
  const fail = (field: string, why: string) =>
    new UserInputError(`prices[${i}].${field} ${why}.`, `prices[${i}].${field}`);
  if (price.symbol.trim() === '' || price.symbol.length > 16) throw fail('symbol', 'must be 1 to 16 characters');
  const tomorrow = new Date(Date.now() + 86_400_000);
  if (utcDay(price.tradeDate) > utcDay(tomorrow)) throw fail('tradeDate', 'must not be in the future');
  for (const field of ['open', 'high', 'low', 'close'] as const) {
    const value = price[field];
    if (value != null && new DecimalNumber(value).isNegative()) throw fail(field, 'must not be negative');
  }
  const { open, high, low, close } = price;
  if (high != null && low != null && new DecimalNumber(high).lessThan(low))
    throw fail('high', `(${high}) must not be below low (${low})`);
  for (const [name, value] of [
    ['open', open],
    ['close', close],
  ] as const) {
    if (value == null) continue;
    if (high != null && new DecimalNumber(value).greaterThan(high))
      throw fail(name, `(${value}) must not be above high (${high})`);
    if (low != null && new DecimalNumber(value).lessThan(low))
      throw fail(name, `(${value}) must not be below low (${low})`);
  }
  for (const field of ['volume', 'turnover'] as const) {
    const value = price[field];
    if (value != null && BigInt(value) < 0n) throw fail(field, 'must not be negative');
  }
  if (price.transactionCount != null && price.transactionCount < 0)
    throw fail('transactionCount', 'must not be negative');
}
