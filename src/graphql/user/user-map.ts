import type { HotModels } from '../../stores/hot/index.js';
import type { UserType } from './user-type.js';

export function toUser(row: HotModels.UserModel): UserType {
  return {
    __typename: 'User',
    databaseId: row.id,
    username: row.username,
    displayName: row.displayName,
    createdAt: row.createdAt,
  };
}
