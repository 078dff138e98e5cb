/** What every resolver receives: the caller, the stores, this request's loaders and state. */
import { randomUUID } from 'node:crypto';
import type { GraphQLError } from 'graphql';
import type { ArchiveBounds } from '../archival/bounds.js';
import type { ArchivalOptions, ArchivalRunRecord } from '../archival/job.js';
import type { RestoreOptions } from '../archival/restore.js';
import type { Viewer } from '../auth/viewer.js';
import { createLoaders, type BatchObserver, type Loaders } from './loaders/index.js';
import type { ColdClient } from '../stores/cold/index.js';
import type { HotClient } from '../stores/hot/index.js';
import { sharedClient } from '../stores/shared-client.js';
import type { SqlReader } from '../stores/sql/reader.js';
import type { Share } from '../stores/statement-share.js';

/** Shared by every request of one process. */
export interface Stores {
  readonly hot: HotClient;
  /** Null in single-store mode (COLD_STORE=disabled): the cold store then holds nothing. */
  readonly cold: ColdClient | null;
  /** The read path's statements on each store, over the same driver adapter as its client. */
  readonly hotSql: SqlReader;
  readonly coldSql: SqlReader | null;
  /** Where rows can be, cached per process (see archival/bounds.ts). */
  readonly bounds: ArchiveBounds;
  /** Runs the archival job (absent in single-store mode and where a test needs no writes to the archive). */
  readonly archive?: (options: Pick<ArchivalOptions, 'olderThanDays' | 'dryRun'>) => Promise<ArchivalRunRecord>;
  /** Restores a range back to the hot store (absent like `archive`). */
  readonly restore?: (options: Pick<RestoreOptions, 'from' | 'to'>) => Promise<ArchivalRunRecord>;
}

/** One request's own state, beside its context: its id and the errors reported beside data. */
export interface RequestState {
  /** Returned in the x-request-id header and written on every log line of the request. */
  readonly id: string;
  /**
   * Errors reported beside data: on the paths of connections that answered only in part
   * (pagination/incomplete.ts), and of `nodes` items that failed alone (node-resolver.ts).
   */
  readonly partialErrors: GraphQLError[];
  readonly reported: WeakSet<object>;
  /** Filled in when the response is sent, for the request's log line. */
  operationName: string | null;
  readonly errorCodes: string[];
  /**
   * Reads a resolver started for a field below it (lookahead, lookahead.ts), by a key the
   * field's own resolver computes from its parent and arguments: the field takes the read
   * instead of starting it again.
   */
  readonly started: Map<string, Promise<unknown>>;
}

export function newRequestState(id: string = randomUUID()): RequestState {
  return { id, partialErrors: [], reported: new WeakSet(), operationName: null, errorCodes: [], started: new Map() };
}

export interface GatewayContext extends Stores {
  readonly viewer: Viewer;
  readonly loaders: Loaders;
  readonly request: RequestState;
}

/**
 * A request's context. With `share` (an HTTP request's, http/admission.ts), every statement it
 * sends takes its share of the stores: through its readers and its Prisma clients.
 */
export function createContext(
  stores: Stores,
  viewer: Viewer,
  request: RequestState = newRequestState(),
  observeBatch?: BatchObserver,
  share?: Share,
): GatewayContext {
  // The request's own readers: what it asks of a store in one turn goes as one statement.
  const own = {
    ...stores,
    ...(share && { hot: sharedClient(stores.hot, share), cold: stores.cold && sharedClient(stores.cold, share) }),
    hotSql: stores.hotSql.forRequest(share),
    coldSql: stores.coldSql?.forRequest(share) ?? null,
  };
  return { ...own, viewer, request, loaders: createLoaders(own, observeBatch) };
}
