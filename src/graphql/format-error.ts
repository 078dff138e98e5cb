/**
 * The last look at every error before it leaves the gateway:
 * - a store that could not answer becomes its typed code (HOT_STORE_UNAVAILABLE or
 *   COLD_STORE_UNAVAILABLE) with a message that names no host and no driver;
 * - Apollo's own refusals that share a generic code get the specific one this gateway
 *   documents (MAX_TOKENS_EXCEEDED, CSRF_PREVENTED, METHOD_NOT_ALLOWED);
 * - any other error whose code is in the one enum passes (stack traces only outside production);
 * - anything else becomes "Internal server error" with an errorId, logged beside the real cause.
 * Every error Apollo sends passes here (those of refused requests too), so this is where they
 * are counted by code.
 */
import { randomUUID } from 'node:crypto';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode, isErrorCode } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { unavailableStore } from '../stores/errors.js';

// graphql 16 spells it "more that".
const TOO_MANY_TOKENS = /Document contains more (?:than|that) (\d+) tokens/;
const CSRF = /Cross-Site Request Forgery/;
const GET_MUTATION = /^GET requests only support query operations/;

export function createErrorFormatter(logger: Logger, metrics: GatewayMetrics, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = format(logger, production, formatted, error);
    metrics.countError(String(result.extensions?.code));
    return result;
  };
}

function format(
  logger: Logger,
  production: boolean,
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const cause = unwrapResolverError(error);
  const where = {
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  };
  const store = unavailableStore(cause);
  if (store) {
    logger.warn(
      { store, path: formatted.path, reason: (cause as { message?: string }).message?.split('\n').at(-1) },
      'store unavailable',
    );
    const code = store === 'hot' ? ErrorCode.HOT_STORE_UNAVAILABLE : ErrorCode.COLD_STORE_UNAVAILABLE;
    return { message: `The ${store} store is unavailable; try again shortly.`, ...where, extensions: { code } };
  }
  const code = specificCode(formatted);
  if (isErrorCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    const { stacktrace, ...extensions } = formatted.extensions ?? {};
    return {
      ...formatted,
      message: code === ErrorCode.MAX_TOKENS_EXCEEDED ? tokensMessage(formatted.message) : formatted.message,
      extensions: { ...extensions, ...(production || stacktrace === undefined ? {} : { stacktrace }), code },
    };
  }
  const errorId = randomUUID();
  logger.error({ errorId, path: formatted.path, err: cause }, 'internal error');
  return { message: 'Internal server error', ...where, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, errorId } };
}

function specificCode({ message, extensions }: GraphQLFormattedError): unknown {
  const code = extensions?.code;
  if (code === ErrorCode.GRAPHQL_PARSE_FAILED && TOO_MANY_TOKENS.test(message)) return ErrorCode.MAX_TOKENS_EXCEEDED;
  if (code === ErrorCode.BAD_REQUEST && CSRF.test(message)) return ErrorCode.CSRF_PREVENTED;
  if (code === ErrorCode.BAD_REQUEST && GET_MUTATION.test(message)) return ErrorCode.METHOD_NOT_ALLOWED;
  return code;
}

function tokensMessage(message: string): string {
  const limit = TOO_MANY_TOKENS.exec(message)?.[1];
  return `The document has more than ${limit} tokens (QUERY_MAX_TOKENS): send a smaller query, and values as variables.`;
}
