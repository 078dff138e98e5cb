import { Field, Int, ObjectType } from 'type-graphql';
import { Tier } from '../enums.js';
import { NodeType } from '../node/node-type.js';
import { connectionTypes } from '../pagination/connection.js';
import { DateTimeScalar } from '../scalars.js';

@ObjectType('Post', { implements: NodeType, simpleResolvers: true })
export class PostType extends NodeType {
  readonly __typename = 'Post' as const;
  readonly authorId!: number;

  @Field(() => Int)
  databaseId!: number;

  @Field(() => String)
  title!: string;

  @Field(() => String)
  body!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => Tier)
  tier!: Tier;

  @Field(() => DateTimeScalar, { nullable: true })
  archivedAt!: Date | null;
}

export const { EdgeType: PostEdge, ConnectionType: PostConnection } = connectionTypes('Post', PostType);
