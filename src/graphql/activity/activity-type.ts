import { Field, Int, ObjectType } from 'type-graphql';
import { ActivityType } from '../enums.js';
import { DateScalar } from '../scalars.js';

@ObjectType('UserActivity', { simpleResolvers: true })
export class UserActivityType {
  /** YYYY-MM-DD. */
  @Field(() => DateScalar)
  date!: string;

  @Field(() => ActivityType)
  actionType!: ActivityType;

  @Field(() => Int)
  count!: number;
}
