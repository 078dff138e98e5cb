import { Field, Int, ObjectType } from 'type-graphql';
import { Tier } from '../enums.js';
import { NodeType } from '../node/node-type.js';
import { connectionTypes } from '../pagination/connection.js';
import { BigIntScalar, DateScalar, DateTimeScalar, DecimalScalar } from '../scalars.js';

/** A decimal column as Prisma returns it. */
export interface DecimalValue {
  toFixed(places: number): string;
  decimalPlaces(): number;
}

@ObjectType('StockPrice', { implements: NodeType, simpleResolvers: true })
export class StockPriceType extends NodeType {
  readonly __typename = 'StockPrice' as const;
  readonly databaseId!: number;
  readonly stockId!: number;

  /** YYYY-MM-DD. */
  @Field(() => DateScalar)
  tradeDate!: string;

  @Field(() => DecimalScalar, { nullable: true })
  open!: DecimalValue | null;

  @Field(() => DecimalScalar, { nullable: true })
  high!: DecimalValue | null;

  @Field(() => DecimalScalar, { nullable: true })
  low!: DecimalValue | null;

  @Field(() => DecimalScalar, { nullable: true })
  close!: DecimalValue | null;

  @Field(() => DecimalScalar, { nullable: true })
  change!: DecimalValue | null;

  @Field(() => BigIntScalar, { nullable: true })
  volume!: bigint | null;

  @Field(() => BigIntScalar, { nullable: true })
  turnover!: bigint | null;

  @Field(() => Int, { nullable: true })
  transactionCount!: number | null;

  @Field(() => Tier)
  tier!: Tier;

  @Field(() => DateTimeScalar, { nullable: true })
  archivedAt!: Date | null;
}

export const { EdgeType: StockPriceEdge, ConnectionType: StockPriceConnection } = connectionTypes(
  'StockPrice',
  StockPriceType,
);
