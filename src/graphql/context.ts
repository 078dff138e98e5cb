/** What every resolver receives: the caller, the stores and this request's loaders. */
import type { ArchiveBounds } from '../archival/bounds.js';
import type { ArchivalOptions, ArchivalRunRecord } from '../archival/job.js';
import type { RestoreOptions } from '../archival/restore.js';
import type { Viewer } from '../auth/viewer.js';
import { createLoaders, type Loaders } from '../loaders/index.js';
import type { ColdClient } from '../stores/cold/index.js';
import type { HotClient } from '../stores/hot/index.js';

/** Shared by every request of one process. */
export interface Stores {
  readonly hot: HotClient;
  readonly cold: ColdClient;
  /** Where rows can be, cached per process (see archival/bounds.ts). */
  readonly bounds: ArchiveBounds;
  /** Runs the archival job (absent where a test needs no writes to the archive). */
  readonly archive?: (options: Pick<ArchivalOptions, 'olderThanDays' | 'dryRun'>) => Promise<ArchivalRunRecord>;
  /** Restores a range back to the hot store (absent like `archive`). */
  readonly restore?: (options: Pick<RestoreOptions, 'from' | 'to'>) => Promise<ArchivalRunRecord>;
}

export interface GatewayContext extends Stores {
  readonly viewer: Viewer;
  readonly loaders: Loaders;
}

export function createContext(stores: Stores, viewer: Viewer): GatewayContext {
  return { ...stores, viewer, loaders: createLoaders(stores.hot, stores.cold) };
}
