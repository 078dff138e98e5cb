import type { ColdModels } from '../../stores/cold/index.js';
import type { HotModels } from '../../stores/hot/index.js';
import { Tier } from '../enums.js';
import type { CommentType } from './comment-type.js';

export function commentFromHot(row: HotModels.CommentModel): CommentType {
  return {
    __typename: 'Comment',
    databaseId: row.id,
    postId: row.postId,
    authorId: row.authorId,
    body: row.body,
    createdAt: row.createdAt,
    tier: Tier.HOT,
  };
}

export function commentFromCold(row: ColdModels.CommentArchiveModel): CommentType {
  return {
    __typename: 'Comment',
    databaseId: row.originalId,
    postId: row.postId,
    authorId: row.authorId,
    body: row.body,
    createdAt: row.createdAt,
    tier: Tier.COLD,
  };
}
