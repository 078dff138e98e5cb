/** The two stores' halves of the post feed and of a post's comments. */
import type { GatewayContext } from '../context.js';
import { commentFromCold, commentFromHot } from '../comment/comment-map.js';
import type { CommentType } from '../comment/comment-type.js';
import { EMPTY_SIDE, prismaSide } from '../pagination/prisma-side.js';
import type { StitchedOrdering, StitchedSides } from '../pagination/stitched-page.js';
import { postFromCold, postFromHot } from './post-map.js';
import type { PostType } from './post-type.js';

export const POSTS_ORDERING: StitchedOrdering = { name: 'posts:createdAt', direction: 'desc', keyKind: 'instant' };
export const COMMENTS_ORDERING: StitchedOrdering = { name: 'post.comments:createdAt', direction: 'asc', keyKind: 'instant' };

export function postSides({ hot, cold }: GatewayContext, authorId?: number): StitchedSides<PostType> {
  const where = authorId === undefined ? {} : { authorId };
  return {
    hot: prismaSide(hot.post, { where, keyField: 'createdAt', idField: 'id', toEntry: (row) => ({ id: row.id, key: row.createdAt, node: postFromHot(row) }) }),
    cold: cold ? prismaSide(cold.postArchive, { where, keyField: 'createdAt', idField: 'originalId', toEntry: (row) => ({ id: row.originalId, key: row.createdAt, node: postFromCold(row) }) }) : EMPTY_SIDE,
  };
}

export function commentSides({ hot, cold }: GatewayContext, postId: number): StitchedSides<CommentType> {
  return {
    hot: prismaSide(hot.comment, { where: { postId }, keyField: 'createdAt', idField: 'id', toEntry: (row) => ({ id: row.id, key: row.createdAt, node: commentFromHot(row) }) }),
    cold: cold ? prismaSide(cold.commentArchive, { where: { postId }, keyField: 'createdAt', idField: 'originalId', toEntry: (row) => ({ id: row.originalId, key: row.createdAt, node: commentFromCold(row) }) }) : EMPTY_SIDE,
  };
}
