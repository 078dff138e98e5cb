import { Field, Int, ObjectType } from 'type-graphql';
import { NodeType } from '../node/node-type.js';
import { connectionTypes } from '../pagination/connection.js';
import { DateTimeScalar } from '../scalars.js';

@ObjectType('Conversation', { implements: NodeType, simpleResolvers: true })
export class ConversationType extends NodeType {
  readonly __typename = 'Conversation' as const;

  @Field(() => Int)
  databaseId!: number;

  @Field(() => String)
  title!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

export const { EdgeType: ConversationEdge, ConnectionType: ConversationConnection } = connectionTypes(
  'Conversation',
  ConversationType,
);
