import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../context.js';
import { required } from '../message/message-resolver.js';
import { PostType } from '../post/post-type.js';
import { toUser } from '../user/user-map.js';
import { UserType } from '../user/user-type.js';
import { CommentType } from './comment-type.js';

@Resolver(() => CommentType)
export class CommentResolver {
  @FieldResolver(() => PostType)
  post(@Root() comment: CommentType, @Ctx() { loaders }: GatewayContext): Promise<PostType> {
    return required(loaders.postById.load(comment.postId), 'post', comment.postId);
  }

  @FieldResolver(() => UserType)
  async author(@Root() comment: CommentType, @Ctx() { loaders }: GatewayContext): Promise<UserType> {
    return toUser(await required(loaders.userById.load(comment.authorId), 'user', comment.authorId));
  }
}
