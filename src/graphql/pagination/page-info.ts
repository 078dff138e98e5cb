import { Field, ObjectType } from 'type-graphql';

@ObjectType('PageInfo', {
  description: 'Relay cursor connections: startCursor and endCursor are null on an empty page.',
  simpleResolvers: true,
})
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}
