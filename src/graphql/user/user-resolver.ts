import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../context.js';
import { ConnectionArgs } from '../pagination/args.js';
import type { Connection } from '../pagination/connection.js';
import { singleStorePage } from '../pagination/single-store-page.js';
import { toUser } from './user-map.js';
import { UserConnection, UserType } from './user-type.js';

@Resolver(() => UserType)
export class UserResolver {
  @Query(() => UserType, { nullable: true, description: 'The user of the viewer token; null when anonymous.' })
  async viewer(@Ctx() { viewer, loaders }: GatewayContext): Promise<UserType | null> {
    if ((viewer.kind !== 'user' && viewer.kind !== 'analyst') || viewer.userId === undefined) return null;
    const row = await loaders.userById.load(viewer.userId);
    return row && toUser(row);
  }

  @Query(() => UserType, { nullable: true })
  async user(
    @Arg('username', () => String) username: string,
    @Ctx() { hot }: GatewayContext,
  ): Promise<UserType | null> {
    const row = await hot.user.findUnique({ where: { username } });
    return row && toUser(row);
  }

  @Query(() => UserConnection, { description: 'Ordered by username.' })
  users(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { hot }: GatewayContext,
  ): Promise<Connection<UserType>> {
    return singleStorePage(
      args,
      { name: 'users:username', field: 'username', direction: 'asc', keyType: 'string' },
      (query) => hot.user.findMany(query),
      () => hot.user.count(),
      toUser,
    );
  }
}
