import type { ColdModels } from '../../stores/cold/index.js';
import { ArchivalKind, ArchivalStatus } from '../enums.js';
import type { ArchivalRunType } from './archival-run-type.js';

export function toArchivalRun(row: ColdModels.ArchivalRunModel): ArchivalRunType {
  return {
    __typename: 'ArchivalRun',
    databaseId: row.id,
    status: row.status as ArchivalStatus,
    dryRun: row.dryRun,
    cutoff: row.cutoff,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    messages: row.messages,
    posts: row.posts,
    comments: row.comments,
    likes: row.likes,
    stockPrices: row.stockPrices,
    rowsPerSecond: row.rowsPerSecond,
    rowsToMove: row.rowsToMove,
    cancelRequested: row.cancelRequested,
    error: row.error,
    kind: row.kind as ArchivalKind,
    restoreTo: row.restoreTo,
  };
}
