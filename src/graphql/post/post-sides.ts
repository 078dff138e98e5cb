/** The two stores' halves of the post feed and of a post's comments. */
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

/** The post feed, or one author's posts (batched with the other authors' of the request). */
export function postSides(context: GatewayContext, authorId?: number): StitchedSides<PostType> {
  return authoredSides(context, {
    hot: hotTables.posts,
    cold: coldTables.posts,
    where: [],
    parent: authorId === undefined ? undefined : { field: 'authorId', id: authorId },
    user: { field: 'authorId', as: 'author' },
    fromHot: postFromHot,
    fromCold: postFromCold,
  });
}

/** A post's comments, batched with the other posts' of the request. */
export function commentSides(context: GatewayContext, postId: number): StitchedSides<CommentType> {
  return authoredSides(context, {
    hot: hotTables.comments,
    cold: coldTables.comments,
    where: [],
    parent: { field: 'postId', id: postId },
    user: { field: 'authorId', as: 'author' },
    fromHot: commentFromHot,
    fromCold: commentFromCold,
  });
}
