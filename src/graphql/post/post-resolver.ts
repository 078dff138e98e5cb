import { Arg, Args, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { CommentConnection, type CommentType } from '../comment/comment-type.js';
import type { GatewayContext } from '../context.js';
import { required } from '../message/message-resolver.js';
import { fromGlobalId } from '../node/global-id.js';
import { ConnectionArgs } from '../pagination/args.js';
import type { Connection } from '../pagination/connection.js';
import { compareKeys, instantLimits, stitchedPage } from '../pagination/stitched-page.js';
import { toUser } from '../user/user-map.js';
import { UserType } from '../user/user-type.js';
import { COMMENTS_ORDERING, commentSides, POSTS_ORDERING, postSides } from './post-sides.js';
import { PostConnection, PostType } from './post-type.js';

/** The post feed, optionally of one author: newest first across both stores. */
export async function postFeed(
  context: GatewayContext,
  args: ConnectionArgs,
  authorId?: number,
): Promise<Connection<PostType>> {
  return stitchedPage(args, POSTS_ORDERING, postSides(context, authorId), await context.bounds.get(), instantLimits);
}

@Resolver(() => PostType)
export class PostResolver {
  @Query(() => PostType, { nullable: true })
  post(@Arg('id', () => ID) id: string, @Ctx() { loaders }: GatewayContext): Promise<PostType | null> {
    return loaders.postById.load(fromGlobalId(id, 'id', 'Post').databaseId);
  }

  @Query(() => PostConnection, { description: 'Newest first, across both stores.' })
  posts(
    @Arg('authorId', () => ID, { nullable: true }) authorId: string | null | undefined,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() context: GatewayContext,
  ): Promise<Connection<PostType>> {
    return postFeed(
      context,
      args,
      authorId == null ? undefined : fromGlobalId(authorId, 'authorId', 'User').databaseId,
    );
  }

  @FieldResolver(() => UserType)
  async author(@Root() post: PostType, @Ctx() { loaders }: GatewayContext): Promise<UserType> {
    return toUser(await required(loaders.userById.load(post.authorId), 'user', post.authorId));
  }

  @FieldResolver(() => Int)
  likeCount(@Root() post: PostType, @Ctx() { loaders }: GatewayContext): Promise<number> {
    return loaders.likeCount.load(post.databaseId);
  }

  @FieldResolver(() => Int)
  commentCount(@Root() post: PostType, @Ctx() { loaders }: GatewayContext): Promise<number> {
    return loaders.commentCount.load(post.databaseId);
  }

  @FieldResolver(() => CommentConnection, { description: 'Oldest first.' })
  async comments(
    @Root() post: PostType,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() context: GatewayContext,
  ): Promise<Connection<CommentType>> {
    const { coldBefore, stale, restoredThrough } = await context.bounds.get();
    // Comments move to the cold store with their post, whatever their own age, so their dates
    // bound nothing; but a post newer than every cutoff ever used has never been archived.
    // Decided again by the bounds read with the hot page (a run may have started since).
    const neverArchived = (before: Date | null) => before !== null && compareKeys(post.createdAt, before) >= 0;
    return stitchedPage(
      args,
      COMMENTS_ORDERING,
      commentSides(context, post.databaseId),
      { coldEmpty: !stale && neverArchived(coldBefore), restoredThrough },
      (fresh) => ({ coldEmpty: neverArchived(fresh.coldBefore) }),
    );
  }
}
