/**
 * What the hand-written peers (the pg floor and the seed-style design) share: their
 * environment, a node:http server with a health check, the gateway's cursor and id formats,
 * and the page's JSON, in exactly the shape the gateway answers, so the harness checks and
 * compares every implementation's answer the same way.
 *
 * Peers run as child processes of the harness (one at a time), configured by:
 *   PEER_PORT, HOT_DATABASE_URL, COLD_DATABASE_URL, MESSAGES_ORDERING_NAME (and DATABASE_URL
 *   for the single store).
 */
import http from 'node:http';
import { fromGlobalId } from '../../src/graphql/node/global-id.js';
import { decodeCursor, encodeCursor } from '../../src/graphql/pagination/cursor.js';

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

/**
 * Serves POST `path` with `answer(parsed JSON body, request headers)` and GET /healthz; stops on SIGTERM.
 * An answer that throws becomes a 500 with the message (the harness fails on any non-2xx).
 */
export function serveJson(
  path: string,
  answer: (body: unknown, headers: http.IncomingHttpHeaders) => Promise<string>,
  onStop: () => Promise<void>,
): void {
  const server = http.createServer((request, response) => {
    if (request.url === '/healthz')
      return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    if (request.method !== 'POST' || request.url !== path) return void response.writeHead(404).end();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return void response.writeHead(400).end('{"errors":[{"message":"invalid JSON"}]}');
      }
      answer(parsed, request.headers).then(
        (json) => response.writeHead(200, { 'content-type': 'application/json' }).end(json),
        (error: unknown) =>
          response
            .writeHead(500, { 'content-type': 'application/json' })
            .end(JSON.stringify({ errors: [{ message: String(error) }] })),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(requiredEnv('PEER_PORT')), '127.0.0.1');
  process.once('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void onStop().finally(() => process.exit(0));
  });
}

/**
 * The gateway's own cursor and id formats (pure modules of src/), so the peers accept the
 * very request bodies the gateway gets. The ordering name comes from the harness
 * (MESSAGES_ORDERING_NAME = src/graphql/message/message-sides.ts MESSAGES_ORDERING.name),
 * whose module would load the Prisma clients.
 */
export function messageCursors(): {
  encode(createdAt: Date, id: number): string;
  decode(cursor: string): { createdAt: Date; id: number };
} {
  const ordering = requiredEnv('MESSAGES_ORDERING_NAME');
  return {
    encode: (createdAt, id) => encodeCursor(ordering, [createdAt.getTime(), id]),
    decode(cursor) {
      const [createdAtMs, id] = decodeCursor(cursor, ordering, ['number', 'number'], 'after') as [number, number];
      return { createdAt: new Date(createdAtMs), id };
    },
  };
}

/** The database id inside a gateway Conversation id. */
export function conversationIdOf(globalId: string): number {
  return fromGlobalId(globalId, 'id', 'Conversation').databaseId;
}

export interface PageRow {
  readonly id: number;
  readonly senderId: number;
  readonly content: string;
  readonly createdAt: Date;
  readonly tier: 'HOT' | 'COLD';
}

/**
 * The gateway's page JSON: {"data":{"conversation":{"messages":{edges:[{node:{content,
 * createdAt, tier, sender:{displayName}}}], pageInfo:{hasNextPage, endCursor}}}}}, built
 * as one string. `rows` are the page's rows in order; `endCursor` that of the last one.
 */
export function pageJson(
  rows: readonly PageRow[],
  names: ReadonlyMap<number, string>,
  hasNextPage: boolean,
  endCursor: string | null,
): string {
  let edges = '';
  for (const row of rows) {
    if (edges) edges += ',';
    edges += `{"node":{"content":${JSON.stringify(row.content)},"createdAt":"${row.createdAt.toISOString()}","tier":"${row.tier}","sender":{"displayName":${JSON.stringify(names.get(row.senderId) ?? null)}}}}`;
  }
  return `{"data":{"conversation":{"messages":{"edges":[${edges}],"pageInfo":{"hasNextPage":${hasNextPage},"endCursor":${JSON.stringify(endCursor)}}}}}}`;
}

/**
 * The subject of a bearer JWT, read without verifying it (the floor checks no token; the
 * gateway verifies it once and caches it). Throws on a missing or malformed token.
 */
export function bearerSubject(headers: http.IncomingHttpHeaders): number {
  const token = /^Bearer (\S+)$/.exec(headers.authorization ?? '')?.[1];
  const payload = token?.split('.')[1];
  const sub = payload
    ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub
    : undefined;
  const id = Number(sub);
  if (!Number.isSafeInteger(id)) throw new Error('no viewer token');
  return id;
}
