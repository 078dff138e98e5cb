/** The two stores' halves of the post feed and of a post's comments. */
import type { Condition } from '../../stores/sql/select.js';
import { coldTables, hotTables } from '../../stores/sql/tables.js';
import type { GatewayContext } from '../context.js';
import { commentFromCold, commentFromHot } from '../comment/comment-map.js';
import type { CommentType } from '../comment/comment-type.js';
import { authoredSides } from '../pagination/authored-sides.js';
import type { StitchedOrdering, StitchedSides } from '../pagination/stitched-page.js';
import { postFromCold, postFromHot } from './post-map.js';
import type { PostType } from './post-type.js';

export const POSTS_ORDERING: StitchedOrdering = { name: 'posts:createdAt', direction: 'desc', keyKind: 'instant' };
export const COMMENTS_ORDERING: StitchedOrdering = {
  name: 'post.comments:createdAt',
  direction: 'asc',
  keyKind: 'instant',
};

/** The post feed, or one author's posts. */
export function postSides(context: GatewayContext, authorId?: number): StitchedSides<PostType> {
  const where: Condition[] = authorId === undefined ? [] : [{ field: 'authorId', op: '=', value: authorId }];
  return authoredSides(context, {
    hot: hotTables.posts,
    cold: coldTables.posts,
    where,
    user: { field: 'authorId', as: 'author' },
    fromHot: postFromHot,
    fromCold: postFromCold,
  });
}

export function commentSides(context: GatewayContext, postId: number): StitchedSides<CommentType> {
  const where = [{ field: 'postId', op: '=', value: postId }] as const;
  return authoredSides(context, {
    hot: hotTables.comments,
    cold: coldTables.comments,
    where,
    user: { field: 'authorId', as: 'author' },
    fromHot: commentFromHot,
    fromCold: commentFromCold,
  });
}
