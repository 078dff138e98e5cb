/**
 * The viewer's writes. They go to the hot store, whichever store holds what they refer to:
 * a post in the cold store can still be commented on and liked.
 */
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { requireParticipant, requireUser } from '../../auth/guards.js';
import { NotFoundError } from '../../errors.js';
import { isUniqueViolation } from '../../stores/errors.js';
import { appendMessage } from '../../stores/hot/append-message.js';
import { CommentType } from '../comment/comment-type.js';
import { commentFromHot } from '../comment/comment-map.js';
import type { GatewayContext } from '../context.js';
import { messageFromHot } from '../message/message-map.js';
import { MessageType } from '../message/message-type.js';
import { fromGlobalId } from '../node/global-id.js';
import { postFromHot } from '../post/post-map.js';
import { PostType } from '../post/post-type.js';
import { requiredText } from './text.js';

export const MAX_MESSAGE_LENGTH = 4000;
export const MAX_TITLE_LENGTH = 200;
export const MAX_BODY_LENGTH = 20_000;
export const MAX_COMMENT_LENGTH = 4000;

@Resolver()
export class ContentMutations {
  @Mutation(() => MessageType, { description: 'Viewer (participant). Writes go to the hot store.' })
  async sendMessage(
    @Arg('conversationId', () => ID) conversationId: string,
    @Arg('content', () => String) content: string,
    @Ctx() { viewer, hot, hotSql, loaders }: GatewayContext,
  ): Promise<MessageType> {
    const senderId = requireUser(viewer, 'sendMessage');
    const id = fromGlobalId(conversationId, 'conversationId', 'Conversation').databaseId;
    const text = requiredText(content, 'content', MAX_MESSAGE_LENGTH);
    if (!(await loaders.conversationById.load(id)))
      throw new NotFoundError('No conversation has this id.', 'conversationId');
    await requireParticipant(viewer, () => loaders.participantIds.load(id), 'Sending to this conversation');
    // Serialised per conversation, so that commit order is (createdAt, id) order: what live
    // delivery follows by keyset (append-message.ts).
    const stored = await appendMessage(hot, hotSql.dialect, {
      conversationId: id,
      senderId,
      content: text,
      now: new Date(),
    });
    if (!stored) throw new NotFoundError('No conversation has this id.', 'conversationId');
    return messageFromHot(stored);
  }

  @Mutation(() => PostType, { description: 'Viewer.' })
  async createPost(
    @Arg('title', () => String) title: string,
    @Arg('body', () => String) body: string,
    @Ctx() { viewer, hot }: GatewayContext,
  ): Promise<PostType> {
    const authorId = requireUser(viewer, 'createPost');
    const data = {
      authorId,
      title: requiredText(title, 'title', MAX_TITLE_LENGTH),
      body: requiredText(body, 'body', MAX_BODY_LENGTH),
      createdAt: new Date(),
    };
    return postFromHot(await hot.post.create({ data }));
  }

  @Mutation(() => CommentType, { description: 'Viewer; the post may be in either store.' })
  async addComment(
    @Arg('postId', () => ID) postId: string,
    @Arg('body', () => String) body: string,
    @Ctx() { viewer, hot, loaders }: GatewayContext,
  ): Promise<CommentType> {
    const authorId = requireUser(viewer, 'addComment');
    const id = fromGlobalId(postId, 'postId', 'Post').databaseId;
    const text = requiredText(body, 'body', MAX_COMMENT_LENGTH);
    if (!(await loaders.postById.load(id))) throw new NotFoundError('No post has this id.', 'postId');
    return commentFromHot(
      await hot.comment.create({ data: { postId: id, authorId, body: text, createdAt: new Date() } }),
    );
  }

  @Mutation(() => PostType, { description: 'Viewer; idempotent per viewer and post, whichever store holds the post.' })
  async likePost(
    @Arg('postId', () => ID) postId: string,
    @Ctx() { viewer, hot, cold, loaders }: GatewayContext,
  ): Promise<PostType> {
    const userId = requireUser(viewer, 'likePost');
    const id = fromGlobalId(postId, 'postId', 'Post').databaseId;
    const post = await loaders.postById.load(id);
    if (!post) throw new NotFoundError('No post has this id.', 'postId');
    // Hot, then cold (a like archived in between is found there), then insert; a concurrent
    // like of the same viewer loses on the unique key and is the same like.
    const liked =
      (await hot.postLike.findUnique({ where: { postId_userId: { postId: id, userId } }, select: { id: true } })) ??
      (cold &&
        (await cold.postLikeArchive.findUnique({
          where: { postId_userId: { postId: id, userId } },
          select: { id: true },
        })));
    if (!liked) {
      try {
        await hot.postLike.create({ data: { postId: id, userId, createdAt: new Date() } });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      loaders.likeCount.clear(id);
    }
    return post;
  }
}
