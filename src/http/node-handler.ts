/**
 * A node:http request handler in front of Apollo Server: /graphql, /healthz, /readyz.
 * (Apollo Server 5 ships no HTTP framework; this is the whole integration.)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Readiness } from './readiness.js';

export const GRAPHQL_PATH = '/graphql';
/** Larger request bodies are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface HandlerOptions<TContext extends BaseContext> {
  readonly apollo: ApolloServer<TContext>;
  readonly context: (request: IncomingMessage) => Promise<TContext>;
  readonly readiness: () => Promise<Readiness>;
  /** False once shutdown has begun: new requests get 503. */
  readonly accepting: () => boolean;
}

export function createRequestHandler<TContext extends BaseContext>(options: HandlerOptions<TContext>) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    handle(options, request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else response.destroy(error instanceof Error ? error : undefined);
    });
  };
}

async function handle<TContext extends BaseContext>(options: HandlerOptions<TContext>, request: IncomingMessage, response: ServerResponse) {
  const url = new URL(request.url ?? '/', 'http://gateway.invalid');
  if (url.pathname === '/healthz') return sendJson(response, 200, { status: 'ok' });
  if (!options.accepting()) {
    response.setHeader('connection', 'close');
    return sendJson(response, 503, { status: 'shutting down' });
  }
  if (url.pathname === '/readyz') {
    const readiness = await options.readiness();
    return sendJson(response, readiness.ready ? 200 : 503, readiness);
  }
  if (url.pathname === '/') {
    response.writeHead(302, { location: GRAPHQL_PATH });
    return void response.end();
  }
  if (url.pathname !== GRAPHQL_PATH) return sendJson(response, 404, { error: 'not found' });

  const body = await readBody(request);
  if (body === undefined) return sendJson(response, 413, { errors: [{ message: `Request body larger than ${MAX_BODY_BYTES} bytes.`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });

  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  let parsedBody: unknown = body;
  if (request.method === 'POST' && /^application\/(graphql-response\+)?json/i.test(headers.get('content-type') ?? '') && body !== '') {
    try {
      parsedBody = JSON.parse(body);
    } catch {
      return sendJson(response, 400, { errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
    }
  }

  const result = await options.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body: parsedBody },
    context: () => options.context(request),
  });
  response.statusCode = result.status ?? 200;
  for (const [name, value] of result.headers) response.setHeader(name, value);
  if (result.body.kind === 'complete') return void response.end(result.body.string);
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

/** The body as text, or undefined when it exceeds MAX_BODY_BYTES. */
function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      request.resume();
      return resolve(undefined);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners('data');
        request.resume();
        return resolve(undefined);
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
