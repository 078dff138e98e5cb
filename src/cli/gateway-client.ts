/**
 * The GraphQL calls `npm run archive` makes, over HTTP with the admin token, and which of their
 * failures are worth retrying: the gateway unreachable or restarting (connection refused or
 * reset, 502-504, SHUTTING_DOWN, a store briefly unavailable). Anything else the gateway answers
 * (a typed error such as ARCHIVAL_IN_PROGRESS, FORBIDDEN) is final.
 */

/** A failure that may pass: the connection, or the gateway or a store, is down for now. */
export class TransientError extends Error {}

/** An answer that will not change by asking again; `code` is the error's extensions.code. */
export class GatewayError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

const TRANSIENT_CODES = new Set([
  'SHUTTING_DOWN',
  'HOT_STORE_UNAVAILABLE',
  'COLD_STORE_UNAVAILABLE',
  'REQUEST_TIMEOUT',
  'RATE_LIMITED',
]);

/** One operation; T is what the caller's selection answers in `data` (not checked at run time). */
export type Call = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

export function gatewayClient(url: string, adminToken: string, requestTimeoutMs = 30_000): Call {
  return async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new TransientError(`${url} unreachable (${cause ?? (error as Error).message})`);
    }
    const body = (await response.json().catch(() => ({}))) as {
      data?: T;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    const [error] = body.errors ?? [];
    if (error) {
      const code = error.extensions?.code ?? `HTTP ${response.status}`;
      if (TRANSIENT_CODES.has(code) || response.status >= 502) throw new TransientError(`${code}: ${error.message}`);
      throw new GatewayError(code, error.message);
    }
    if (response.status >= 500) throw new TransientError(`HTTP ${response.status} from ${url}`);
    if (!response.ok || !body.data) throw new GatewayError(`HTTP ${response.status}`, `unexpected answer from ${url}`);
    return body.data;
  };
}
