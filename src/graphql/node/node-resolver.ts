import { locatedError, type GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, ID, Info, Query, Resolver } from 'type-graphql';
import { requireAnalyst, requireParticipant } from '../../auth/guards.js';
import { UserInputError } from '../../errors.js';
import type { GatewayContext } from '../context.js';
import { pathToArray } from '../path.js';
import { readableConversation } from '../conversation/conversation-resolver.js';
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

  @Query(() => [NodeType], {
    nullable: 'items',
    description: 'Same length and order as ids; null where an id resolves to nothing.',
  })
  async nodes(
    @Arg('ids', () => [ID]) ids: string[],
    @Ctx() context: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<(NodeShape | null)[]> {
    if (ids.length > MAX_NODES)
      throw new UserInputError(`"ids" may hold at most ${MAX_NODES} ids (got ${ids.length}).`, 'ids');
    // Each load joins its type's batch (one statement per type and store). An item that fails
    // (a malformed id: BAD_USER_INPUT; one the caller may not see: FORBIDDEN; one in a store
    // that is down) becomes null and reports its error at its own index; an unknown id is null
    // with no error. The list itself never fails, and keeps the length of `ids`.
    return Promise.all(
      ids.map((id, index) =>
        Promise.resolve()
          .then(() => loadNode(fromGlobalId(id, 'ids'), context))
          .catch((error: unknown) => {
            context.request.partialErrors.push(
              locatedError(error, info.fieldNodes, [...pathToArray(info.path), index]),
            );
            return null;
          }),
      ),
    );
  }
}

export async function loadNode({ type, databaseId }: GlobalId, context: GatewayContext): Promise<NodeShape | null> {
  const { loaders, viewer } = context;
  switch (type) {
    case 'User': {
      const row = await loaders.userById.load(databaseId);
      return row && toUser(row);
    }
    case 'Stock': {
      const row = await loaders.stockById.load(databaseId);
      return row && toStock(row);
    }
    case 'Conversation':
      return readableConversation(context, databaseId);
    case 'Message': {
      const message = await loaders.messageById.load(databaseId);
      if (!message) return null;
      await requireParticipant(viewer, () => loaders.participantIds.load(message.conversationId), 'This message');
      return message;
    }
    case 'Post':
      return loaders.postById.load(databaseId);
    case 'Comment':
      return loaders.commentById.load(databaseId);
    case 'StockPrice':
      return loaders.stockPriceById.load(databaseId);
    case 'ArchivalRun':
      requireAnalyst(viewer, 'Archival runs');
      return loaders.archivalRunById.load(databaseId);
  }
}
