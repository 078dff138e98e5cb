/**
 * A started (not listening) gateway over given stores, and one GraphQL operation through
 * Apollo as a given viewer.
 */
import type { Viewer } from '../../src/auth/viewer.js';
import type { OperationLimits } from '../../src/config.js';
import { createContext, type Stores } from '../../src/graphql/context.js';
import { createGateway, type Gateway } from '../../src/server.js';
import { fakeProbe } from './probes.js';

export interface GraphQLResult {
  readonly data?: any;
  readonly errors?: readonly {
    message: string;
    path?: readonly (string | number)[];
    extensions?: Record<string, unknown>;
  }[];
}

export interface TestGateway {
  readonly gateway: Gateway;
  execute(query: string, viewer: Viewer): Promise<GraphQLResult>;
  /** Stops Apollo and disconnects the stores' clients. */
  stop(): Promise<void>;
}

/** `limits`: the operation limits, the defaults unless given. */
export async function startTestGateway(stores: Stores, limits?: OperationLimits): Promise<TestGateway> {
  const gateway = await createGateway({
    stores,
    probes: { hot: fakeProbe(), cold: fakeProbe() },
    secrets: { adminToken: 'test-admin-token-0123456789', jwtSecret: 'test-jwt-secret-'.padEnd(40, 'x') },
    nodeEnv: 'test',
    limits,
  });
  await gateway.apollo.start();
  return {
    gateway,
    async execute(query, viewer) {
      const response = await gateway.apollo.executeOperation(
        { query },
        { contextValue: createContext(stores, viewer) },
      );
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult;
    },
    async stop() {
      await gateway.apollo.stop();
      await Promise.all([
        stores.hot.$disconnect(),
        stores.cold?.$disconnect(),
        stores.hotSql.dispose(),
        stores.coldSql?.dispose(),
      ]);
    },
  };
}
