/**
 * GraphQL over WebSocket (graphql-ws, the `graphql-transport-ws` protocol) on the HTTP
 * server's own port and path (README "Live chat"). It serves subscriptions only: queries and
 * mutations stay on HTTP, where every HTTP limit applies to them.
 *
 * Contract, per socket:
 * - the upgrade is refused (HTTP status, JSON body with extensions.code) off /graphql (404),
 *   during shutdown (503) and past LIVE_MAX_SOCKETS_PER_ADDRESS (429);
 * - `connection_init` carries `{ authorization: "Bearer …" }`, checked with the HTTP rules
 *   (auth/viewer.ts) and counted by the same failure throttle: an invalid token closes 4401,
 *   a throttled address 4429; none is anonymous. A token's expiry ends every subscription of
 *   the socket with UNAUTHENTICATED, then closes it 4401;
 * - each subscribe passes the operation limits of HTTP (depth, aliases, cost, directives,
 *   tokens, variables' size), then the socket's and the address's subscription counts
 *   (RATE_LIMITED), then the field's own checks (message-added.ts); a refusal is the protocol's
 *   `error` message with extensions.code, and the socket stays open;
 * - a message over LIVE_MAX_MESSAGE_BYTES closes 1009, more than LIVE_MAX_MESSAGES_PER_SECOND
 *   (a burst of twice as many) closes 1008, no pong by the next ping terminates, no
 *   subscription for LIVE_IDLE_TIMEOUT_MS closes 4000;
 * - each event executes with a context of its own (fresh loaders, primed with the message's
 *   sender and conversation), so a subscription holds no cache that grows or goes stale;
 * - `close(graceMs)`: refuses new sockets and subscriptions, lets every subscription deliver
 *   what it has queued, then closes each socket 1001 (going away); sockets still open after
 *   `graceMs` are terminated.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  OperationTypeNode,
  parse,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode, makeServer } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { sessionFromAuthorization, type AuthSecrets, type Viewer } from '../auth/viewer.js';
import type { LiveLimits, OperationLimits } from '../config.js';
import { ErrorCode } from '../errors.js';
import { createContext, type Stores } from '../graphql/context.js';
import { checkOperationLimits } from '../graphql/limits/operation-limits.js';
import type { EndReason, LiveContext, LiveSession, StreamEvent } from '../graphql/message/message-stream.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { MessageFeed } from '../runtime/message-feed.js';
import type { AuthThrottle } from './auth-throttle.js';
import type { ClientAddressOf } from './client-address.js';
import { GRAPHQL_PATH } from './node-handler.js';

/** Close codes besides graphql-ws's own (4400, 4401, 4403, 4408, 4409, 4429, 4500). */
export const LiveCloseCode = {
  GoingAway: 1001,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  Idle: 4000,
} as const;

export interface LiveServerOptions {
  readonly httpServer: http.Server;
  readonly schema: GraphQLSchema;
  readonly stores: Stores;
  readonly feed: MessageFeed;
  readonly secrets: AuthSecrets;
  readonly limits: LiveLimits;
  readonly operationLimits: OperationLimits;
  readonly introspection: boolean;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly throttle: AuthThrottle;
  readonly clientAddress: ClientAddressOf;
  readonly accepting: () => boolean;
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

export interface LiveServer {
  /** Sockets open right now. */
  readonly sockets: number;
  close(graceMs: number): Promise<void>;
}

/** One socket's state beside graphql-ws's own. */
interface Connection {
  readonly socket: WebSocket;
  readonly address: string;
  viewer: Viewer | undefined;
  expiry: NodeJS.Timeout | undefined;
  /** Subscription id -> its abort controller. */
  readonly subscriptions: Map<string, AbortController>;
  /** Ending functions of the streams running on this socket. */
  readonly streams: Set<(reason: EndReason) => void>;
  readonly session: LiveSession;
  idle: NodeJS.Timeout | undefined;
  /** Resolves when the last subscription of the socket has finished. */
  settled: (() => void) | undefined;
}

interface Extra {
  readonly connection: Connection;
}

const MAX_TIMER_MS = 2_147_483_647;

export function createLiveServer(options: LiveServerOptions): LiveServer {
  const { limits, metrics } = options;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes,
    handleProtocols: (protocols) => (protocols.has('graphql-transport-ws') ? 'graphql-transport-ws' : false),
  });
  const connections = new Set<Connection>();
  const socketsByAddress = new Map<string, number>();
  const subscriptionsByAddress = new Map<string, number>();
  let closing = false;

  const format = (error: GraphQLError) => options.formatError(error.toJSON(), error);

  const server = makeServer<Record<string, unknown> | undefined, Extra>({
    schema: options.schema,
    connectionInitWaitTimeout: limits.initTimeoutMs,
    async onConnect(ctx) {
      const { connection } = ctx.extra;
      const authorization = ctx.connectionParams?.authorization;
      if (authorization !== undefined && typeof authorization !== 'string') {
        connection.socket.close(CloseCode.BadRequest, 'connection_init: "authorization" must be a string');
        return false;
      }
      if (authorization === undefined) {
        connection.viewer = { kind: 'anonymous' };
        return true;
      }
      const retryAfterMs = options.throttle.retryAfterMs(connection.address);
      if (retryAfterMs > 0) {
        connection.socket.close(
          CloseCode.TooManyInitialisationRequests,
          `RATE_LIMITED: too many failed authentications; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
        );
        return false;
      }
      try {
        const { viewer, expiresAt } = await sessionFromAuthorization(authorization, options.secrets);
        connection.viewer = viewer;
        if (expiresAt !== undefined) {
          connection.expiry = setTimeout(() => void expire(connection), Math.min(MAX_TIMER_MS, expiresAt - Date.now()));
        }
        return true;
      } catch (error) {
        options.throttle.recordFailure(connection.address);
        metrics.countError(ErrorCode.UNAUTHENTICATED);
        options.logger.warn({ address: connection.address }, 'websocket authentication failed');
        connection.socket.close(CloseCode.Unauthorized, reason(`UNAUTHENTICATED: ${(error as Error).message}`));
        return false;
      }
    },
    async onSubscribe(ctx, id, payload) {
      const { connection } = ctx.extra;
      // Counted by the formatter (onError), like every error sent.
      const refuse = (code: ErrorCode, message: string) => [new GraphQLError(message, { extensions: { code } })];
      if (closing)
        return refuse(ErrorCode.SHUTTING_DOWN, 'The gateway is shutting down; resubscribe on another instance.');
      if (!connection.viewer) return refuse(ErrorCode.UNAUTHENTICATED, 'The connection is not initialised.');
      const variablesBytes = payload.variables == null ? 0 : Buffer.byteLength(JSON.stringify(payload.variables));
      if (variablesBytes > options.operationLimits.maxVariablesBytes)
        return refuse(
          ErrorCode.VARIABLES_TOO_LARGE,
          `The variables take ${variablesBytes} bytes; at most ${options.operationLimits.maxVariablesBytes} are allowed (MAX_VARIABLES_BYTES).`,
        );
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxTokens: options.operationLimits.maxTokens });
      } catch (error) {
        const tooMany = /more (?:than|that) \d+ tokens/.test((error as Error).message);
        return refuse(
          tooMany ? ErrorCode.MAX_TOKENS_EXCEEDED : ErrorCode.GRAPHQL_PARSE_FAILED,
          tooMany
            ? `The document has more than ${options.operationLimits.maxTokens} tokens (QUERY_MAX_TOKENS).`
            : (error as Error).message,
        );
      }
      const invalid = validate(options.schema, document);
      if (invalid.length > 0) {
        return invalid.map(
          (error) =>
            new GraphQLError(error.message, {
              nodes: error.nodes,
              extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED },
            }),
        );
      }
      const operation = getOperationAST(document, payload.operationName);
      if (!operation)
        return refuse(
          ErrorCode.OPERATION_RESOLUTION_FAILURE,
          'The document names no operation to run (operationName).',
        );
      if (operation.operation !== OperationTypeNode.SUBSCRIPTION)
        return refuse(
          ErrorCode.BAD_REQUEST,
          `Send ${operation.operation} operations over HTTP; this socket serves subscriptions.`,
        );
      try {
        checkOperationLimits({
          schema: options.schema,
          document,
          operation,
          variables: payload.variables ?? undefined,
          limits: options.operationLimits,
          introspection: options.introspection,
        });
      } catch (error) {
        if (error instanceof GraphQLError) return [error];
        throw error;
      }
      if (connection.subscriptions.size >= limits.subscriptionsPerConnection)
        return refuse(
          ErrorCode.RATE_LIMITED,
          `At most ${limits.subscriptionsPerConnection} subscriptions per connection (LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION).`,
        );
      if ((subscriptionsByAddress.get(connection.address) ?? 0) >= limits.subscriptionsPerAddress)
        return refuse(
          ErrorCode.RATE_LIMITED,
          `At most ${limits.subscriptionsPerAddress} subscriptions per client address (LIVE_MAX_SUBSCRIPTIONS_PER_ADDRESS).`,
        );

      const abort = new AbortController();
      const contextValue: LiveContext = {
        ...createContext(options.stores, connection.viewer),
        live: connection.session,
        liveSignal: abort.signal,
      };
      const args: ExecutionArgs = {
        schema: options.schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue,
      };
      // Counted before the first await, so that subscribes arriving together cannot all pass.
      track(connection, id, abort);
      let stream: Awaited<ReturnType<typeof createSourceEventStream>>;
      try {
        stream = await createSourceEventStream(args);
      } catch (error) {
        untrack(connection, id);
        throw error;
      }
      if (!isAsyncIterable(stream)) {
        untrack(connection, id);
        const errors = (stream as ExecutionResult).errors ?? [new GraphQLError('The subscription could not start.')];
        return [...errors];
      }
      return { ...args, rootValue: { stream, abort, connection, id } };
    },
    // The event stream was created in onSubscribe (so that its refusals are `error` messages).
    subscribe: (args) => {
      const { stream, abort, connection, id } = args.rootValue as {
        stream: AsyncIterable<StreamEvent>;
        abort: AbortController;
        connection: Connection;
        id: string;
      };
      return results(stream, args, abort, () => untrack(connection, id));
    },
    onNext(_ctx, _id, _payload, _args, result) {
      if (!result.errors) return undefined;
      return { ...result, errors: result.errors.map((error) => format(error)) };
    },
    onError(_ctx, _id, _payload, errors) {
      return errors.map(format);
    },
  });

  /** The subscription's results: one execution per event, each with a context of its own. */
  function results(
    stream: AsyncIterable<StreamEvent>,
    args: ExecutionArgs,
    abort: AbortController,
    done: () => void,
  ): AsyncIterableIterator<ExecutionResult> {
    const base = args.contextValue as LiveContext;
    async function* run(): AsyncGenerator<ExecutionResult> {
      try {
        for await (const event of stream) {
          if (event.kind === 'end') {
            yield { errors: [event.error] };
            return;
          }
          const contextValue = createContext(options.stores, base.viewer);
          if (event.sender) contextValue.loaders.userById.prime(event.sender.id, event.sender);
          contextValue.loaders.conversationById.prime(event.conversation.id, event.conversation);
          yield await execute({ ...args, rootValue: event, contextValue });
          // graphql-ws asks for the next result once this one is written to the socket.
          if (event.live) metrics.observeDeliveryLag((Date.now() - event.edge.node.createdAt.getTime()) / 1000);
        }
      } finally {
        done();
      }
    }
    const inner = run();
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      next: () => inner.next(),
      async return() {
        // A generator waiting for an event cannot be returned; the abort ends its wait. One
        // never started runs no finally: `done` is called here too (it is idempotent).
        abort.abort();
        done();
        return inner.return(undefined);
      },
    };
  }

  function track(connection: Connection, id: string, abort: AbortController): void {
    connection.subscriptions.set(id, abort);
    subscriptionsByAddress.set(connection.address, (subscriptionsByAddress.get(connection.address) ?? 0) + 1);
    metrics.countSubscription(1);
    if (connection.idle) clearTimeout(connection.idle);
    connection.idle = undefined;
  }

  function untrack(connection: Connection, id: string): void {
    if (!connection.subscriptions.delete(id)) return;
    const left = (subscriptionsByAddress.get(connection.address) ?? 1) - 1;
    if (left > 0) subscriptionsByAddress.set(connection.address, left);
    else subscriptionsByAddress.delete(connection.address);
    metrics.countSubscription(-1);
    if (connection.subscriptions.size === 0) {
      connection.settled?.();
      armIdle(connection);
    }
  }

  function armIdle(connection: Connection): void {
    if (connection.idle || closing) return;
    connection.idle = setTimeout(() => {
      connection.idle = undefined;
      if (connection.subscriptions.size === 0)
        connection.socket.close(LiveCloseCode.Idle, `Idle: no subscription for ${limits.idleTimeoutMs} ms`);
    }, limits.idleTimeoutMs);
  }

  /** Resolves once the socket has no subscription left, or after `ms`. */
  function settled(connection: Connection, ms: number): Promise<void> {
    if (connection.subscriptions.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      connection.settled = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async function expire(connection: Connection): Promise<void> {
    connection.expiry = undefined;
    connection.viewer = undefined;
    for (const end of connection.streams) end('expired');
    await settled(connection, 5_000);
    connection.socket.close(CloseCode.Unauthorized, 'UNAUTHENTICATED: the token has expired');
  }

  function onSocket(socket: WebSocket, address: string): void {
    const streams = new Set<(reason: EndReason) => void>();
    const connection: Connection = {
      socket,
      address,
      viewer: undefined,
      expiry: undefined,
      subscriptions: new Map(),
      streams,
      idle: undefined,
      settled: undefined,
      session: {
        feed: options.feed,
        queueLimit: limits.queueLimit,
        track(end) {
          streams.add(end);
          return () => streams.delete(end);
        },
        dropped: () => metrics.countDroppedSlowConsumer(),
      },
    };
    connections.add(connection);
    metrics.countSocket(1);
    armIdle(connection);

    // Incoming messages: a bucket of 2 s worth, refilled at the allowed rate.
    let tokens = limits.messagesPerSecond * 2;
    let refilledAt = Date.now();
    const allow = () => {
      const now = Date.now();
      tokens = Math.min(limits.messagesPerSecond * 2, tokens + ((now - refilledAt) / 1000) * limits.messagesPerSecond);
      refilledAt = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    };

    let alive = true;
    const ping = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, limits.pingIntervalMs);
    socket.on('pong', () => (alive = true));

    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, why) => socket.close(code, why),
        onMessage: (handle) =>
          socket.on('message', (data, isBinary) => {
            alive = true;
            if (!allow()) {
              metrics.countError(ErrorCode.RATE_LIMITED);
              return socket.close(
                LiveCloseCode.PolicyViolation,
                `RATE_LIMITED: more than ${limits.messagesPerSecond} messages per second`,
              );
            }
            if (isBinary) return socket.close(CloseCode.BadRequest, 'Binary messages are not part of the protocol');
            // ws hands a text frame over as a Buffer (fragments as Buffer[]).
            const text = Array.isArray(data)
              ? Buffer.concat(data).toString('utf8')
              : Buffer.isBuffer(data)
                ? data.toString('utf8')
                : Buffer.from(data).toString('utf8');
            handle(text).catch((error: unknown) => {
              options.logger.error({ err: error, address }, 'websocket message failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      { connection },
    );
    socket.on('error', (error) => options.logger.warn({ err: error, address }, 'websocket error'));
    socket.once('close', (code, why) => {
      clearInterval(ping);
      if (connection.idle) clearTimeout(connection.idle);
      if (connection.expiry) clearTimeout(connection.expiry);
      connections.delete(connection);
      const left = (socketsByAddress.get(address) ?? 1) - 1;
      if (left > 0) socketsByAddress.set(address, left);
      else socketsByAddress.delete(address);
      metrics.countSocket(-1);
      for (const abort of connection.subscriptions.values()) abort.abort();
      void closed(code, String(why)).catch((error: unknown) =>
        options.logger.warn({ err: error, address }, 'websocket close handling failed'),
      );
    });
  }

  options.httpServer.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://gateway.invalid');
    const address = options.clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for']);
    if (url.pathname !== GRAPHQL_PATH)
      return refuseUpgrade(socket, 404, ErrorCode.NOT_FOUND, `No WebSocket is served at ${url.pathname}.`);
    if (closing || !options.accepting())
      return refuseUpgrade(socket, 503, ErrorCode.SHUTTING_DOWN, 'The gateway is shutting down.');
    const open = socketsByAddress.get(address) ?? 0;
    if (open >= limits.socketsPerAddress)
      return refuseUpgrade(
        socket,
        429,
        ErrorCode.RATE_LIMITED,
        `At most ${limits.socketsPerAddress} sockets per client address (LIVE_MAX_SOCKETS_PER_ADDRESS).`,
      );
    socketsByAddress.set(address, open + 1);
    wss.handleUpgrade(request, socket, head, (ws) => onSocket(ws, address));
  });

  return {
    get sockets() {
      return connections.size;
    },
    async close(graceMs) {
      closing = true;
      options.feed.stop();
      const deadline = Date.now() + graceMs;
      await Promise.all(
        [...connections].map(async (connection) => {
          for (const end of connection.streams) end('shutdown');
          await settled(connection, Math.max(0, deadline - Date.now()));
          connection.socket.close(LiveCloseCode.GoingAway, 'Going away: the gateway is shutting down');
        }),
      );
      const forced = setTimeout(
        () => {
          for (const connection of connections) connection.socket.terminate();
        },
        Math.max(0, deadline - Date.now()),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      while (connections.size > 0 && Date.now() < deadline + 100) await new Promise((r) => setTimeout(r, 20));
      clearTimeout(forced);
      for (const connection of connections) connection.socket.terminate();
    },
  };
}

function refuseUpgrade(socket: Duplex, status: number, code: ErrorCode, message: string): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  const reasons: Record<number, string> = { 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' };
  socket.end(
    `HTTP/1.1 ${status} ${reasons[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function reason(text: string): string {
  // A close frame's reason is at most 123 bytes.
  return Buffer.byteLength(text) <= 123 ? text : `${text.slice(0, 110)}…`;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<StreamEvent> {
  return typeof (Object(value) as Partial<AsyncIterable<StreamEvent>>)[Symbol.asyncIterator] === 'function';
}
