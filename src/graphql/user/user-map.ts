import type { HotModels } from '../../stores/hot/index.js';
import { toGlobalId } from '../node/global-id.js';
import type { UserType } from './user-type.js';

export function toUser(row: HotModels.UserModel): UserType {
  return {
    __typename: 'User',
    id: toGlobalId('User', row.id),
    databaseId: row.id,
    username: row.username,
    displayName: row.displayName,
    createdAt: row.createdAt,
  };
}
