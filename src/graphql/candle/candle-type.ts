import { Field, Int, ObjectType } from 'type-graphql';
import type { DecimalValue } from '../price/price-type.js';
import { BigIntScalar, DateScalar, DecimalScalar } from '../scalars.js';

@ObjectType('Candle', {
  description:
    'One interval of daily prices: open of its first trading day, close of its last, extremes and sums over all of them.',
  simpleResolvers: true,
})
export class CandleType {
  @Field(() => DateScalar, {
    description: 'The first calendar day of the interval (a Monday, the 1st of a month, of a quarter, of a year).',
  })
  period!: string;

  @Field(() => DateScalar, { description: 'The first and last trade dates in the interval that have a price.' })
  firstTradeDate!: string;

  @Field(() => DateScalar)
  lastTradeDate!: string;

  @Field(() => DecimalScalar, { nullable: true })
  open!: DecimalValue | null;

  @Field(() => DecimalScalar, { nullable: true })
  high!: DecimalValue | null;

  @Field(() => DecimalScalar, { nullable: true })
  low!: DecimalValue | null;

  @Field(() => DecimalScalar, { nullable: true })
  close!: DecimalValue | null;

  @Field(() => BigIntScalar, { nullable: true })
  volume!: bigint | null;

  @Field(() => BigIntScalar, { nullable: true })
  turnover!: bigint | null;

  @Field(() => Int)
  tradingDays!: number;
}
