import { Field, Int, ObjectType } from 'type-graphql';
import { Tier } from '../enums.js';
import { NodeType } from '../node/node-type.js';
import { connectionTypes } from '../pagination/connection.js';
import { DateTimeScalar } from '../scalars.js';

@ObjectType('Message', { implements: NodeType, simpleResolvers: true })
export class MessageType extends NodeType {
  readonly __typename = 'Message' as const;
  /** For the conversation and sender field resolvers. */
  readonly conversationId!: number;
  readonly senderId!: number;

  @Field(() => Int)
  databaseId!: number;

  @Field(() => String)
  content!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => Tier)
  tier!: Tier;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Null while the message is in the hot store.' })
  archivedAt!: Date | null;
}

export const { EdgeType: MessageEdge, ConnectionType: MessageConnection } = connectionTypes('Message', MessageType);
