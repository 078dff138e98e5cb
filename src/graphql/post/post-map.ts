import type { ColdModels } from '../../stores/cold/index.js';
import type { HotModels } from '../../stores/hot/index.js';
import { Tier } from '../enums.js';
import { toGlobalId } from '../node/global-id.js';
import type { PostType } from './post-type.js';

export function postFromHot(row: HotModels.PostModel): PostType {
  return { __typename: 'Post', id: toGlobalId('Post', row.id), databaseId: row.id, authorId: row.authorId, title: row.title, body: row.body, createdAt: row.createdAt, tier: Tier.HOT, archivedAt: null };
}

export function postFromCold(row: ColdModels.PostArchiveModel): PostType {
  return {
    __typename: 'Post',
    id: toGlobalId('Post', row.originalId),
    databaseId: row.originalId,
    authorId: row.authorId,
    title: row.title,
    body: row.body,
    createdAt: row.createdAt,
    tier: Tier.COLD,
    archivedAt: row.archivedAt,
  };
}
