/** What every resolver receives: the caller, the stores and this request's loaders. */
import type { Viewer } from '../auth/viewer.js';
import { createLoaders, type Loaders } from '../loaders/index.js';
import type { ColdClient } from '../stores/cold/index.js';
import type { HotClient } from '../stores/hot/index.js';

export interface GatewayContext {
  readonly viewer: Viewer;
  readonly hot: HotClient;
  readonly cold: ColdClient;
  readonly loaders: Loaders;
}

export interface Stores {
  readonly hot: HotClient;
  readonly cold: ColdClient;
}

export function createContext(stores: Stores, viewer: Viewer): GatewayContext {
  return { viewer, hot: stores.hot, cold: stores.cold, loaders: createLoaders(stores.hot) };
}
