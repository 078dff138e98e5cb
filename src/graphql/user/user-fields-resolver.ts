import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { utcDay } from '../../archival/bounds.js';
import { requireSelfOrAnalyst } from '../../auth/guards.js';
import { UserInputError } from '../../errors.js';
import { userActivity } from '../activity/activity.js';
import { UserActivityType } from '../activity/activity-type.js';
import type { GatewayContext } from '../context.js';
import { toConversation } from '../conversation/conversation-map.js';
import { ConversationConnection, type ConversationType } from '../conversation/conversation-type.js';
import { ConnectionArgs } from '../pagination/args.js';
import type { Connection } from '../pagination/connection.js';
import { EMPTY_SIDE, prismaSide } from '../pagination/prisma-side.js';
import { stitchedPage, type StitchedOrdering } from '../pagination/stitched-page.js';
import { postFeed } from '../post/post-resolver.js';
import { PostConnection, type PostType } from '../post/post-type.js';
import { DateScalar } from '../scalars.js';
import { UserType } from './user-type.js';

export const MAX_ACTIVITY_DAYS = 3660;
const CONVERSATIONS_ORDERING: StitchedOrdering = {
  name: 'user.conversations:createdAt',
  direction: 'desc',
  keyKind: 'instant',
};

@Resolver(() => UserType)
export class UserFieldsResolver {
  @FieldResolver(() => PostConnection, { description: 'Newest first.' })
  posts(
    @Root() user: UserType,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() context: GatewayContext,
  ): Promise<Connection<PostType>> {
    return postFeed(context, args, user.databaseId);
  }

  @FieldResolver(() => ConversationConnection, {
    description: 'The conversations this user takes part in, newest first. Viewer (own), analyst, admin.',
  })
  conversations(
    @Root() user: UserType,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() { viewer, hot }: GatewayContext,
  ): Promise<Connection<ConversationType>> {
    requireSelfOrAnalyst(viewer, user.databaseId, "A user's conversations");
    // Conversations never leave the hot store.
    const hotSide = prismaSide(hot.conversation, {
      where: { participants: { some: { userId: user.databaseId } } },
      keyField: 'createdAt',
      idField: 'id',
      toEntry: (row) => ({ id: row.id, key: row.createdAt, node: toConversation(row) }),
    });
    return stitchedPage(args, CONVERSATIONS_ORDERING, { hot: hotSide, cold: EMPTY_SIDE }, { coldEmpty: true });
  }

  @FieldResolver(() => [UserActivityType], {
    description:
      'Daily action counts over hot and cold data; the same answer before and after archival. Viewer (own), analyst, admin.',
  })
  activity(
    @Root() user: UserType,
    @Arg('from', () => DateScalar) from: Date,
    @Arg('to', () => DateScalar) to: Date,
    @Ctx() context: GatewayContext,
  ): Promise<UserActivityType[]> {
    requireSelfOrAnalyst(context.viewer, user.databaseId, "A user's activity");
    const [fromDay, toDay] = [utcDay(from), utcDay(to)];
    if (fromDay > toDay) throw new UserInputError('"from" must not be after "to".', 'from');
    const days = (to.getTime() - from.getTime()) / 86_400_000 + 1;
    if (days > MAX_ACTIVITY_DAYS)
      throw new UserInputError(`The range may span at most ${MAX_ACTIVITY_DAYS} days.`, 'to');
    return userActivity(context, user.databaseId, fromDay, toDay);
  }
}
