/**
 * /metrics: Prometheus text, behind METRICS_TOKEN when one is set. Served either on the
 * GraphQL listener (node-handler.ts) or, with METRICS_PORT, on a listener of its own that
 * answers nothing else (by default on loopback, for a scraper on the same host or a sidecar).
 * config.ts refuses a production start that would serve it to anyone on the GraphQL port.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { sameSecret } from '../auth/viewer.js';
import type { GatewayMetrics } from '../observability/metrics.js';

export async function answerMetrics(
  metrics: GatewayMetrics,
  token: string | undefined,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (token !== undefined && !sameSecret(request.headers.authorization ?? '', `Bearer ${token}`)) {
    response.setHeader('www-authenticate', 'Bearer');
    return sendText(
      response,
      401,
      'application/json; charset=utf-8',
      JSON.stringify({ error: 'metrics need the METRICS_TOKEN bearer token' }),
    );
  }
  sendText(response, 200, metrics.registry.contentType, await metrics.registry.metrics());
}

/** A listener that serves GET /metrics and answers 404 to anything else. */
export function createMetricsServer(metrics: GatewayMetrics, token: string | undefined): http.Server {
  const server = http.createServer((request, response) => {
    // Only the path is compared, so no client-sent target is ever parsed here.
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return sendText(
        response,
        404,
        'application/json; charset=utf-8',
        JSON.stringify({ error: 'only GET /metrics is served here' }),
      );
    }
    answerMetrics(metrics, token, request, response).catch(() => {
      if (!response.headersSent)
        sendText(response, 500, 'application/json; charset=utf-8', JSON.stringify({ error: 'metrics failed' }));
      else response.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  return server;
}

function sendText(response: ServerResponse, status: number, contentType: string, text: string): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
