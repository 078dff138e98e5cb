/**
 * What node:http refuses before a request exists (its parser, its timeouts) and CONNECT, which
 * it hands to a 'connect' listener: each gets a JSON answer with its own code and the
 * connection closed (RFC 9112 §9.6: after a framing error the rest of the stream means
 * nothing), and one log line with a request id. Nothing here throws.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';

interface ParserError extends Error {
  readonly code?: string;
}

export interface TransportTimeouts {
  readonly headersTimeoutMs: number;
  readonly receiveTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

/** Timeouts, and how often node checks them (the default 30 s would let a slow client run long past them). */
export function serverOptions(timeouts: TransportTimeouts): http.ServerOptions {
  return {
    headersTimeout: timeouts.headersTimeoutMs,
    requestTimeout: Math.max(timeouts.receiveTimeoutMs, timeouts.headersTimeoutMs),
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    // The handler answers a missing Host itself, with a code and a request id.
    requireHostHeader: false,
    connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(timeouts.headersTimeoutMs / 4))),
  };
}

export function guardTransport(server: http.Server, logger: Logger, metrics: GatewayMetrics): void {
  server.on('clientError', (error: ParserError, socket: Duplex) => {
    const [status, code, message] = answerFor(error);
    const requestId = randomUUID();
    // A reset or an already answered exchange leaves nothing to say.
    const pending = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || pending?.headersSent) {
      logger.info({ requestId, reason: error.code ?? error.message }, 'connection dropped');
      return void socket.destroy();
    }
    metrics.countHttpResponse('other', status);
    metrics.countError(code);
    logger.warn({ requestId, status, reason: error.code ?? error.message }, 'malformed request');
    answerRaw(socket, status, code, message, requestId);
  });
  // CONNECT asks for a tunnel; the gateway is no proxy.
  server.on('connect', (request: http.IncomingMessage, socket: Duplex) => {
    const requestId = randomUUID();
    metrics.countHttpResponse('other', 405);
    metrics.countError(ErrorCode.METHOD_NOT_ALLOWED);
    logger.warn({ requestId, method: 'CONNECT', status: 405 }, 'request');
    socket.on('error', () => socket.destroy());
    answerRaw(socket, 405, ErrorCode.METHOD_NOT_ALLOWED, 'CONNECT is not supported; this is no proxy.', requestId, {
      allow: 'GET, POST',
    });
  });
}

function answerFor(error: ParserError): [number, ErrorCode, string] {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, ErrorCode.HEADERS_TOO_LARGE, 'The request line and headers are too large.'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, ErrorCode.CLIENT_TIMEOUT, 'The request was not received in time (HTTP_RECEIVE_TIMEOUT_MS).'];
    case 'HPE_HEADERS_TIMEOUT':
      return [408, ErrorCode.CLIENT_TIMEOUT, 'The headers were not received in time (HTTP_HEADERS_TIMEOUT_MS).'];
    default:
      return [400, ErrorCode.BAD_REQUEST, 'The request is not valid HTTP/1.1.'];
  }
}

function answerRaw(
  socket: Duplex,
  status: number,
  code: ErrorCode,
  message: string,
  requestId: string,
  extra: Record<string, string> = {},
): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'x-request-id': requestId,
    connection: 'close',
    ...extra,
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n${head}\r\n${body}`);
  // end() flushes; a client that never reads must not keep the socket.
  setTimeout(() => socket.destroy(), 1000).unref();
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};
