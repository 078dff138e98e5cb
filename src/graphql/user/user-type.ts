import { Field, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';
import { NodeType } from '../node/node-type.js';
import { connectionTypes } from '../pagination/connection.js';

@ObjectType('User', { implements: NodeType, simpleResolvers: true })
export class UserType extends NodeType {
  readonly __typename = 'User' as const;

  @Field(() => Int)
  databaseId!: number;

  @Field(() => String)
  username!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

export const { EdgeType: UserEdge, ConnectionType: UserConnection } = connectionTypes('User', UserType);
