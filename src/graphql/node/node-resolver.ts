import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { UserInputError } from '../../errors.js';
import type { GatewayContext } from '../context.js';
import { toStock } from '../stock/stock-map.js';
import { toUser } from '../user/user-map.js';
import { fromGlobalId, type GlobalId } from './global-id.js';
import { NodeType, type NodeShape } from './node-type.js';

export const MAX_NODES = 100;

@Resolver()
export class NodeResolver {
  @Query(() => NodeType, { nullable: true })
  node(@Arg('id', () => ID) id: string, @Ctx() context: GatewayContext): Promise<NodeShape | null> {
    return loadNode(fromGlobalId(id, 'id'), context);
  }

  @Query(() => [NodeType], { nullable: 'items', description: 'Same length and order as ids; null where an id resolves to nothing.' })
  nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() context: GatewayContext): Promise<(NodeShape | null)[]> {
    if (ids.length > MAX_NODES) throw new UserInputError(`"ids" may hold at most ${MAX_NODES} ids (got ${ids.length}).`, 'ids');
    const decoded = ids.map((id) => fromGlobalId(id, 'ids'));
    // Each load joins its type's batch: one statement per type, whatever the number of ids.
    return Promise.all(decoded.map((globalId) => loadNode(globalId, context)));
  }
}

async function loadNode({ type, databaseId }: GlobalId, { loaders }: GatewayContext): Promise<NodeShape | null> {
  switch (type) {
    case 'User': {
      const row = await loaders.userById.load(databaseId);
      return row && toUser(row);
    }
    case 'Stock': {
      const row = await loaders.stockById.load(databaseId);
      return row && toStock(row);
    }
  }
}
