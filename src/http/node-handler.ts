/**
 * A node:http request handler in front of Apollo Server: /graphql, /healthz, /readyz, /metrics,
 * and the web app's files (web-assets.ts).
 * (Apollo Server 5 ships no HTTP framework; this is the whole integration.)
 *
 * Contract, for every request:
 * - it gets an id (a sane incoming x-request-id, else a new UUID), returned in x-request-id and
 *   written on its one JSON log line (method, path, status, time, operation, error codes; never
 *   a header or a token);
 * - nothing it carries escapes as an exception: the target is parsed by hand
 *   (request-target.ts), the body checked before Apollo (json-body.ts), and whatever still
 *   throws is logged with an errorId and answered 500;
 * - a refusal on /graphql is a GraphQL-shaped body `{ errors: [{ message, extensions: { code } }] }`
 *   with one of the gateway's codes: 404 NOT_FOUND, 405 METHOD_NOT_ALLOWED, 413
 *   PAYLOAD_TOO_LARGE or VARIABLES_TOO_LARGE, 415 UNSUPPORTED_MEDIA_TYPE, 401 UNAUTHENTICATED,
 *   429 RATE_LIMITED (with Retry-After; failed authentications, or too many requests in flight
 *   from one address), 400 BAD_REQUEST, INVALID_ENCODING or MAX_JSON_DEPTH_EXCEEDED, 503
 *   SHUTTING_DOWN, 504 REQUEST_TIMEOUT;
 * - credentials are checked before anything runs; failures count per client address
 *   (auth-throttle.ts, the address from client-address.ts);
 * - a GraphQL request runs with its address's share of the stores (admission.ts);
 * - a GraphQL request that has not answered within `requestTimeoutMs` gets 504; what it still
 *   runs is bounded by the stores' statement timeouts.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Viewer } from '../auth/viewer.js';
import { ErrorCode } from '../errors.js';
import { newRequestState, type GatewayContext, type RequestState } from '../graphql/context.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { Admission, Ticket } from './admission.js';
import type { AuthThrottle } from './auth-throttle.js';
import type { ClientAddressOf } from './client-address.js';
import { checkContentType, checkSearchParameters, parseBody, type Refusal } from './json-body.js';
import { answerMetrics } from './metrics-listener.js';
import type { Readiness } from './readiness.js';
import type { Share } from '../stores/statement-share.js';
import { parseTarget, type RequestTarget } from './request-target.js';
import { CONTENT_SECURITY_POLICY, type WebAsset, type WebAssets } from './web-assets.js';

export const GRAPHQL_PATH = '/graphql';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** A 100 KB target is the client's business; the log keeps its start. */
const MAX_LOGGED_PATH = 200;

export interface HandlerOptions {
  readonly apollo: ApolloServer<GatewayContext>;
  /** The caller behind an Authorization header; throws a GraphQLError with code UNAUTHENTICATED. */
  readonly authenticate: (authorization: string | undefined) => Promise<Viewer>;
  readonly context: (viewer: Viewer, request: RequestState, share: Share) => GatewayContext;
  readonly readiness: () => Promise<Readiness>;
  /** False once shutdown has begun: new requests get 503. */
  readonly accepting: () => boolean;
  readonly metrics: GatewayMetrics;
  /** When set, /metrics needs it as a bearer token. */
  readonly metricsToken: string | undefined;
  /** False when /metrics has its own listener (metrics-listener.ts): here it is then 404. */
  readonly servesMetrics: boolean;
  readonly logger: Logger;
  readonly throttle: AuthThrottle;
  readonly maxBodyBytes: number;
  readonly maxVariablesBytes: number;
  readonly maxJsonDepth: number;
  readonly requestTimeoutMs: number;
  /** The client address from the socket and X-Forwarded-For (client-address.ts). */
  readonly clientAddress: ClientAddressOf;
  readonly admission: Admission;
  /** The web app and the IDE (web-assets.ts); `/` redirects to /graphql when they are not built. */
  readonly web?: WebAssets;
}

interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly state: RequestState;
  readonly route: string;
}

export function createRequestHandler(options: HandlerOptions) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const started = performance.now();
    let state: RequestState | undefined;
    // The error boundary: nothing a client sends, and no bug below, leaves this function as an
    // exception (it would reach the process as an uncaught one).
    const fail = (error: unknown) => {
      const errorId = randomUUID();
      try {
        options.logger.error({ requestId: state?.id, errorId, err: error }, 'request failed');
        if (!response.headersSent)
          sendErrors(response, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error', { errorId });
        else response.destroy();
      } catch {
        response.destroy();
      }
    };
    try {
      const incomingId = request.headers['x-request-id'];
      state = newRequestState(
        typeof incomingId === 'string' && REQUEST_ID.test(incomingId) ? incomingId : randomUUID(),
      );
      const target = parseTarget(request.method, request.url);
      const exchange: Exchange = { request, response, state, route: routeOf(target?.pathname ?? '') };
      response.setHeader('x-request-id', state.id);
      const logged = state;
      response.once('finish', () => {
        try {
          options.metrics.countHttpResponse(exchange.route, response.statusCode);
          options.logger.info(
            {
              requestId: logged.id,
              method: request.method,
              path: (target?.pathname ?? request.url ?? '').slice(0, MAX_LOGGED_PATH),
              status: response.statusCode,
              ms: Math.round((performance.now() - started) * 10) / 10,
              address: clientAddress(request, options.clientAddress),
              ...(logged.operationName ? { operation: logged.operationName } : {}),
              ...(logged.errorCodes.length > 0 ? { errors: logged.errorCodes } : {}),
            },
            'request',
          );
        } catch (error) {
          options.logger.error({ requestId: logged.id, errorId: randomUUID(), err: error }, 'request log failed');
        }
      });
      // RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400.
      if (request.httpVersionMajor === 1 && request.httpVersionMinor >= 1 && request.headers.host === undefined) {
        response.setHeader('connection', 'close');
        return refuse(options, exchange, 400, ErrorCode.BAD_REQUEST, 'An HTTP/1.1 request needs a Host header.');
      }
      if (!target) {
        response.setHeader('connection', 'close');
        return refuse(
          options,
          exchange,
          400,
          ErrorCode.BAD_REQUEST,
          'The request target is not a path, an http(s) URL, or * with OPTIONS.',
        );
      }
      handle(options, exchange, target).catch(fail);
    } catch (error) {
      fail(error);
    }
  };
}

async function handle(options: HandlerOptions, exchange: Exchange, target: RequestTarget): Promise<void> {
  const { request, response } = exchange;
  const { pathname } = target;
  if (target.form === 'asterisk') {
    response.writeHead(204, { allow: 'GET, POST, OPTIONS' });
    return void response.end();
  }
  if (pathname === '/healthz') return sendJson(response, 200, { status: 'ok' });
  if (!options.accepting()) {
    response.setHeader('connection', 'close');
    return refuse(
      options,
      exchange,
      503,
      ErrorCode.SHUTTING_DOWN,
      'The gateway is shutting down; retry on another instance.',
    );
  }
  if (pathname === '/readyz') {
    const readiness = await options.readiness();
    return sendJson(response, readiness.ready ? 200 : 503, readiness);
  }
  if (pathname === '/metrics' && options.servesMetrics) return sendMetrics(options, exchange);
  const asset = request.method === 'GET' || request.method === 'HEAD' ? options.web?.find(pathname) : undefined;
  if (asset) return sendAsset(request, response, asset);
  if (pathname === '/') {
    response.writeHead(302, { location: GRAPHQL_PATH });
    return void response.end();
  }
  if (pathname !== GRAPHQL_PATH)
    return refuse(
      options,
      exchange,
      404,
      ErrorCode.NOT_FOUND,
      `Nothing is served at ${pathname.slice(0, MAX_LOGGED_PATH)}; GraphQL is at ${GRAPHQL_PATH}.`,
    );
  if (request.method !== 'GET' && request.method !== 'POST') {
    response.setHeader('allow', 'GET, POST');
    return refuse(
      options,
      exchange,
      405,
      ErrorCode.METHOD_NOT_ALLOWED,
      `${String(request.method).slice(0, 20)} is not supported; send GraphQL as POST (or queries as GET).`,
    );
  }

  const bytes = await readBody(request, options.maxBodyBytes);
  // The client went away mid-body: there is no one to answer.
  if (bytes === 'aborted') return void response.destroy();
  if (bytes === 'too-large')
    return refuse(
      options,
      exchange,
      413,
      ErrorCode.PAYLOAD_TOO_LARGE,
      `The request body is larger than ${options.maxBodyBytes} bytes (MAX_BODY_BYTES).`,
    );

  const viewer = await authenticate(options, exchange);
  if (!viewer) return;

  let parsedBody: unknown;
  if (request.method === 'POST') {
    const typeRefusal = checkContentType(request.headers);
    if (typeRefusal) return refuseWith(options, exchange, typeRefusal);
    const verdict = parseBody(bytes, options);
    if ('refusal' in verdict) return refuseWith(options, exchange, verdict.refusal);
    parsedBody = verdict.body;
  } else {
    const searchRefusal = checkSearchParameters(target.search, options);
    if (searchRefusal) return refuseWith(options, exchange, searchRefusal);
  }

  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }

  const ticket = options.admission.enter(clientAddress(request, options.clientAddress));
  if (!ticket) {
    response.setHeader('retry-after', '1');
    return refuse(
      options,
      exchange,
      429,
      ErrorCode.RATE_LIMITED,
      'Too many requests in flight from this address (ADDRESS_MAX_REQUESTS); retry in 1 s.',
    );
  }
  try {
    await execute(options, exchange, target.search, headers, parsedBody, viewer, ticket);
  } finally {
    ticket.leave();
  }
}

async function execute(
  options: HandlerOptions,
  exchange: Exchange,
  search: string,
  headers: HeaderMap,
  parsedBody: unknown,
  viewer: Viewer,
  ticket: Ticket,
): Promise<void> {
  const { request, response, state } = exchange;
  let timer: NodeJS.Timeout | undefined;
  const execution = options.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: request.method ?? 'GET', headers, search, body: parsedBody },
    context: async () => options.context(viewer, state, ticket.share),
  });
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.requestTimeoutMs);
  });
  const result = await Promise.race([execution, timedOut]).finally(() => clearTimeout(timer));
  if (result === 'timeout') {
    // Whatever still runs is bounded by the stores' statement timeouts; its answer is dropped.
    execution.catch((error: unknown) =>
      options.logger.warn({ requestId: state.id, err: error }, 'timed-out request failed later'),
    );
    return refuse(
      options,
      exchange,
      504,
      ErrorCode.REQUEST_TIMEOUT,
      `The request did not finish within ${options.requestTimeoutMs} ms (REQUEST_TIMEOUT_MS); try a smaller page.`,
    );
  }
  response.statusCode = result.status ?? 200;
  for (const [name, value] of result.headers) response.setHeader(name, value);
  if (result.body.kind === 'complete') return void response.end(result.body.string);
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

/** The viewer, or undefined after answering 401 or 429. */
async function authenticate(options: HandlerOptions, exchange: Exchange): Promise<Viewer | undefined> {
  const header = exchange.request.headers.authorization;
  if (header === undefined) return options.authenticate(undefined);
  const address = clientAddress(exchange.request, options.clientAddress);
  const retryAfterMs = options.throttle.retryAfterMs(address);
  if (retryAfterMs > 0) {
    exchange.response.setHeader('retry-after', String(Math.ceil(retryAfterMs / 1000)));
    refuse(
      options,
      exchange,
      429,
      ErrorCode.RATE_LIMITED,
      `Too many failed authentications from this address; retry in ${Math.ceil(retryAfterMs / 1000)} s.`,
    );
    return undefined;
  }
  try {
    return await options.authenticate(header);
  } catch (error) {
    const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
    if (code !== ErrorCode.UNAUTHENTICATED) throw error;
    options.throttle.recordFailure(address);
    options.logger.warn({ requestId: exchange.state.id, address }, 'authentication failed');
    refuse(options, exchange, 401, ErrorCode.UNAUTHENTICATED, (error as Error).message);
    return undefined;
  }
}

function sendMetrics(options: HandlerOptions, exchange: Exchange): Promise<void> {
  return answerMetrics(options.metrics, options.metricsToken, exchange.request, exchange.response);
}

function refuse(options: HandlerOptions, exchange: Exchange, status: number, code: ErrorCode, message: string): void {
  exchange.state.errorCodes.push(code);
  options.metrics.countError(code);
  sendErrors(exchange.response, status, code, message);
}

function refuseWith(options: HandlerOptions, exchange: Exchange, refusal: Refusal): void {
  refuse(options, exchange, refusal.status, refusal.code, refusal.message);
}

function sendErrors(
  response: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): void {
  sendJson(response, status, { errors: [{ message, extensions: { code, ...extensions } }] });
}

/**
 * The body's bytes; 'too-large' past `maxBytes` (the rest is drained unread); 'aborted' when
 * the client went away (or node's receive timeout closed it) before the end.
 */
function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      request.resume();
      return resolve('too-large');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.removeAllListeners('data');
        request.resume();
        return resolve('too-large');
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', () => resolve('aborted'));
    request.on('close', () => resolve('aborted'));
  });
}

function sendAsset(request: IncomingMessage, response: ServerResponse, asset: WebAsset): void {
  response.writeHead(200, {
    'content-type': asset.contentType,
    'content-length': asset.body.length,
    'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  response.end(request.method === 'HEAD' ? undefined : asset.body);
}

function sendJson(response: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function routeOf(pathname: string): string {
  return pathname === GRAPHQL_PATH || pathname === '/healthz' || pathname === '/readyz' || pathname === '/metrics'
    ? pathname.slice(1)
    : 'other';
}

function clientAddress(request: IncomingMessage, of: ClientAddressOf): string {
  return of(request.socket.remoteAddress, request.headers['x-forwarded-for']);
}
