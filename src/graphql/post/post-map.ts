import type { ColdModels } from '../../stores/cold/index.js';
import type { HotModels } from '../../stores/hot/index.js';
import { Tier } from '../enums.js';
import type { PostType } from './post-type.js';

export function postFromHot(row: HotModels.PostModel): PostType {
  return {
    __typename: 'Post',
    databaseId: row.id,
    authorId: row.authorId,
    title: row.title,
    body: row.body,
    createdAt: row.createdAt,
    tier: Tier.HOT,
    archivedAt: null,
  };
}

export function postFromCold(row: ColdModels.PostArchiveModel): PostType {
  return {
    __typename: 'Post',
    databaseId: row.originalId,
    authorId: row.authorId,
    title: row.title,
    body: row.body,
    createdAt: row.createdAt,
    tier: Tier.COLD,
    archivedAt: row.archivedAt,
  };
}
