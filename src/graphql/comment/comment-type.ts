import { Field, Int, ObjectType } from 'type-graphql';
import { Tier } from '../enums.js';
import { NodeType } from '../node/node-type.js';
import { connectionTypes } from '../pagination/connection.js';
import { DateTimeScalar } from '../scalars.js';

@ObjectType('Comment', { implements: NodeType, simpleResolvers: true })
export class CommentType extends NodeType {
  readonly __typename = 'Comment' as const;
  readonly postId!: number;
  readonly authorId!: number;

  @Field(() => Int)
  databaseId!: number;

  @Field(() => String)
  body!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => Tier)
  tier!: Tier;
}

export const { EdgeType: CommentEdge, ConnectionType: CommentConnection } = connectionTypes('Comment', CommentType);
