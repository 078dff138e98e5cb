/** The two stores' halves of the post feed and of a post's comments. */
import type { HotModels } from '../../stores/hot/index.js';
import type { Condition } from '../../stores/sql/select.js';
import { coldTables, hotTables } from '../../stores/sql/tables.js';
import type { GatewayContext } from '../context.js';
import { commentFromCold, commentFromHot } from '../comment/comment-map.js';
import type { CommentType } from '../comment/comment-type.js';
import { EMPTY_SIDE } from '../pagination/prisma-side.js';
import { sqlSide } from '../pagination/sql-side.js';
import type { StitchedOrdering, StitchedSides } from '../pagination/stitched-page.js';
import { postFromCold, postFromHot } from './post-map.js';
import type { PostType } from './post-type.js';

export const POSTS_ORDERING: StitchedOrdering = { name: 'posts:createdAt', direction: 'desc', keyKind: 'instant' };
export const COMMENTS_ORDERING: StitchedOrdering = { name: 'post.comments:createdAt', direction: 'asc', keyKind: 'instant' };

type WithAuthor<Row> = Row & { author?: HotModels.UserModel };

/** The hot side reads each author in the same statement and hands it to the user loader. */
export function postSides({ hotSql, coldSql, loaders }: GatewayContext, authorId?: number): StitchedSides<PostType> {
  const where: Condition[] = authorId === undefined ? [] : [{ field: 'authorId', op: '=', value: authorId }];
  return {
    hot: sqlSide(hotSql, {
      table: hotTables.posts,
      where,
      keyField: 'createdAt',
      idField: 'id',
      join: { table: hotTables.users, on: 'authorId', as: 'author' },
      toEntry: (row: WithAuthor<HotModels.PostModel>) => {
        if (row.author) loaders.userById.prime(row.author.id, row.author);
        return { id: row.id, key: row.createdAt, node: postFromHot(row) };
      },
    }),
    cold: coldSql
      ? sqlSide(coldSql, { table: coldTables.posts, where, keyField: 'createdAt', idField: 'originalId', toEntry: (row) => ({ id: row.originalId, key: row.createdAt, node: postFromCold(row) }) })
      : EMPTY_SIDE,
  };
}

export function commentSides({ hotSql, coldSql, loaders }: GatewayContext, postId: number): StitchedSides<CommentType> {
  const where = [{ field: 'postId', op: '=', value: postId }] as const;
  return {
    hot: sqlSide(hotSql, {
      table: hotTables.comments,
      where,
      keyField: 'createdAt',
      idField: 'id',
      join: { table: hotTables.users, on: 'authorId', as: 'author' },
      toEntry: (row: WithAuthor<HotModels.CommentModel>) => {
        if (row.author) loaders.userById.prime(row.author.id, row.author);
        return { id: row.id, key: row.createdAt, node: commentFromHot(row) };
      },
    }),
    cold: coldSql
      ? sqlSide(coldSql, { table: coldTables.comments, where, keyField: 'createdAt', idField: 'originalId', toEntry: (row) => ({ id: row.originalId, key: row.createdAt, node: commentFromCold(row) }) })
      : EMPTY_SIDE,
  };
}
