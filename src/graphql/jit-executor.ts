/**
 * Executes operations with graphql-jit instead of graphql-js's interpreter, plugged into
 * Apollo Server through its gateway interface: Apollo still parses, validates (with its cache
 * of documents), runs every plugin and formats every error; only execution is replaced.
 *
 * graphql-jit compiles each operation once into a function specialised for its selection
 * (the cache below is keyed by Apollo's parsed document, so it lives as long as Apollo keeps
 * that document), and resolves fields without graphql-js's per-field bookkeeping: on a
 * 50-edge page, most of the time graphql-js spent outside the resolvers.
 */
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { GraphQLError, printSchema, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { ErrorCode } from '../errors.js';

type Compiled = CompiledQuery | ExecutionResult;
type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;

/**
 * graphql-jit's errors carry no `extensions` object when the error they wrap had none (and
 * its request errors may be plain objects); Apollo and the formatter expect graphql-js's
 * GraphQLError: the same message, locations, path and original error, with `extensions`.
 */
function asGraphQLError(error: GraphQLError, extensions: Record<string, unknown> = {}): GraphQLError {
  if (error instanceof GraphQLError && error.extensions && Object.keys(extensions).length === 0) return error;
  const normalized = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: { ...(error.extensions ?? {}), ...extensions },
  });
  if (error.locations) Object.defineProperty(normalized, 'locations', { value: error.locations, enumerable: true });
  return normalized;
}

function badUserInput(error: GraphQLError): GraphQLError {
  return error.extensions?.code !== undefined
    ? asGraphQLError(error)
    : asGraphQLError(error, { code: ErrorCode.BAD_USER_INPUT });
}

export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  const compiled = new WeakMap<DocumentNode, Map<string | null, Compiled>>();
  const compile = (document: DocumentNode, operationName: string | null): Compiled => {
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map<string | null, Compiled>()));
    let query = byName.get(operationName);
    if (!query) {
      query = compileQuery(schema, document, operationName ?? undefined);
      byName.set(operationName, query);
    }
    return query;
  };
  const executor: GatewayExecutor = async (requestContext) => {
    // Apollo turns these, which graphql-js's execute would have returned, into OPERATION_RESOLUTION_FAILURE.
    if (!requestContext.operation) {
      const { operationName } = requestContext;
      return {
        errors: [
          new GraphQLError(
            operationName
              ? `Unknown operation named "${operationName}".`
              : 'Must provide operation name if query contains multiple operations.',
          ),
        ],
      };
    }
    const query = compile(requestContext.document, requestContext.operationName);
    if (!isCompiledQuery(query)) return query;
    try {
      const result = await query.query(undefined, requestContext.context, requestContext.request.variables ?? {});
      if (!result.errors) return result;
      // No data at all: the variables were refused before anything ran (graphql-js's execute
      // reports these the same way, and Apollo gives them BAD_USER_INPUT).
      if (result.data === undefined) return { errors: result.errors.map(badUserInput) };
      return { ...result, errors: result.errors.map((error) => asGraphQLError(error)) };
    } catch (error) {
      // graphql-jit reports resolver errors in the result; anything thrown is its own failure.
      return {
        errors: [
          error instanceof GraphQLError
            ? error
            : new GraphQLError('execution failed', { originalError: error as Error }),
        ],
      };
    }
  };
  return {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => undefined;
    },
    async stop() {},
  };
}
