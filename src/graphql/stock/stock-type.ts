import { Field, Int, ObjectType } from 'type-graphql';
import { NodeType } from '../node/node-type.js';
import { connectionTypes } from '../pagination/connection.js';

@ObjectType('Stock', { implements: NodeType, simpleResolvers: true })
export class StockType extends NodeType {
  readonly __typename = 'Stock' as const;

  @Field(() => Int)
  databaseId!: number;

  @Field(() => String)
  symbol!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  market!: string | null;
}

export const { EdgeType: StockEdge, ConnectionType: StockConnection } = connectionTypes('Stock', StockType);
