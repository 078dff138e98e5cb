/**
 * HTTP/1.1 on a bare TCP socket (node:net): the bytes go out exactly as given, nothing below
 * GraphQL is normalised (fetch would refuse or repair most of what these tests send). The
 * answers are parsed just enough to count them: status, headers, body by Content-Length or
 * chunked, else up to the close.
 */
import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface RawExchange {
  /** Every response read, in order (pipelined requests get several). */
  readonly responses: RawResponse[];
  /** How the connection ended: closed by the server, or still open when `timeoutMs` ran out. */
  readonly ended: 'closed' | 'timeout';
}

export interface SendOptions {
  /**
   * Half-close this long after writing unless an answer has begun (so an incomplete request
   * ends at EOF); undefined: never. Not at once: node:http ends a half-closed connection as
   * soon as the request is parsed, before an asynchronous answer could be written.
   */
  readonly halfCloseAfterMs?: number;
  /** Give up (and destroy the socket) after this; default 5000 ms. */
  readonly timeoutMs?: number;
  /** Write the bytes in pieces, this far apart (slow clients). */
  readonly pieces?: readonly (string | Buffer)[];
  readonly pieceDelayMs?: number;
}

/** Writes `bytes` on a new connection and reads what comes back until the server closes it. */
export function sendRaw(port: number, bytes: string | Buffer, options: SendOptions = {}): Promise<RawExchange> {
  const { halfCloseAfterMs, timeoutMs = 5000 } = options;
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (ended: RawExchange['ended']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      try {
        resolve({ responses: parseResponses(Buffer.concat(chunks)), ended });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => finish('closed'));
    // A reset after the server answered and closed is an ending like any other.
    socket.on('error', () => finish('closed'));
    const write = async () => {
      if (options.pieces) {
        for (const piece of options.pieces) {
          if (socket.destroyed) return;
          socket.write(piece);
          await new Promise((r) => setTimeout(r, options.pieceDelayMs ?? 50));
        }
      } else socket.write(bytes);
      if (halfCloseAfterMs === undefined) return;
      setTimeout(() => {
        if (chunks.length === 0 && !socket.destroyed) socket.end();
      }, halfCloseAfterMs);
    };
    socket.on('connect', () => void write());
  });
}

/** GET /healthz on its own connection: true when it answers 200. */
export async function healthy(port: number): Promise<boolean> {
  const { responses } = await sendRaw(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  return responses.length === 1 && responses[0].status === 200;
}

/** Splits a byte stream of HTTP/1.1 responses; throws on anything that is not one. */
export function parseResponses(data: Buffer): RawResponse[] {
  const responses: RawResponse[] = [];
  let offset = 0;
  while (offset < data.length) {
    const headEnd = data.indexOf('\r\n\r\n', offset);
    if (headEnd < 0)
      throw new Error(`an incomplete response head: ${data.subarray(offset, offset + 200).toString('latin1')}`);
    const [statusLine, ...headerLines] = data.subarray(offset, headEnd).toString('latin1').split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (!match) throw new Error(`not a status line: ${JSON.stringify(statusLine.slice(0, 200))}`);
    const status = Number(match[1]);
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    offset = headEnd + 4;
    let body: Buffer;
    if (status === 204 || status === 304 || (status >= 100 && status < 200)) body = Buffer.alloc(0);
    else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      body = data.subarray(offset, offset + length);
      offset += length;
    } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = data.indexOf('\r\n', offset);
        if (lineEnd < 0) break;
        const size = parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
        offset = lineEnd + 2;
        if (!(size > 0)) {
          offset = Math.min(data.length, offset + 2);
          break;
        }
        parts.push(data.subarray(offset, offset + size));
        offset += size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      body = data.subarray(offset);
      offset = data.length;
    }
    responses.push({ status, headers, body: body.toString('utf8') });
  }
  return responses;
}

/** V8's heap in use after a full collection (gc exposed at run time: no flag on the test runner needed). */
export function heapAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** mulberry32: a small seeded generator, so every run sends the same bytes. */
export function seeded(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)];
  return { next, int, pick };
}
