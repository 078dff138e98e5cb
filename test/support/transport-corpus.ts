/**
 * Hand-written hostile HTTP/1.1, byte for byte: each case the bytes (or slow pieces) and what
 * the gateway may answer. Shared by the in-process fuzz suite and the compiled-build test.
 * `statuses` lists the acceptable statuses ('closed': the server closed without an answer,
 * which HTTP allows after a framing error); `code`, when set, is the error code expected in
 * the first answer's body.
 */
import { HTTP_SECRETS } from './http-gateway.js';

export interface CorpusCase {
  readonly name: string;
  readonly bytes: string | Buffer;
  readonly statuses: readonly (number | 'closed')[];
  readonly code?: string;
  /** Slow clients: the bytes in pieces this far apart, the connection left open. */
  readonly pieces?: readonly string[];
  readonly pieceDelayMs?: number;
  readonly keepOpen?: boolean;
  /** Cases that killed the process before the fix; the compiled-build test runs them. */
  readonly killer?: boolean;
}

const VALID_QUERY = JSON.stringify({ query: '{ stocks(first: 2) { edges { node { symbol } } } }' });

/** A request head and body; Host and Connection: close unless given. */
export function request(
  line: string,
  headers: Record<string, string> = {},
  body: string | Buffer = '',
  options: { length?: boolean } = {},
): Buffer {
  const all: Record<string, string> = { Host: 'x', Connection: 'close', ...headers };
  const bodyBytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (options.length !== false && bodyBytes.length > 0 && all['Content-Length'] === undefined)
    all['Content-Length'] = String(bodyBytes.length);
  const head = Object.entries(all)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return Buffer.concat([Buffer.from(`${line}\r\n${head}\r\n`, 'latin1'), bodyBytes]);
}

const JSON_TYPE = { 'Content-Type': 'application/json' };
const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
  request('POST /graphql HTTP/1.1', { ...JSON_TYPE, ...headers }, body);
const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

export function transportCorpus(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const add = (c: CorpusCase) => cases.push(c);

  // Request lines and targets: origin-, absolute-, authority-, asterisk-form.
  add({
    name: 'GET http://[',
    bytes: request('GET http://[ HTTP/1.1'),
    statuses: [400],
    code: 'BAD_REQUEST',
    killer: true,
  });
  add({
    name: 'GET ////////',
    bytes: request('GET //////// HTTP/1.1'),
    statuses: [404],
    code: 'NOT_FOUND',
    killer: true,
  });
  add({ name: 'GET //x/graphql', bytes: request('GET //x/graphql HTTP/1.1'), statuses: [404], killer: true });
  add({ name: 'GET http://a@b/', bytes: request('GET http://a@b/ HTTP/1.1'), statuses: [400], killer: true });
  add({
    name: 'GET http://x:99999999/',
    bytes: request('GET http://x:99999999/ HTTP/1.1'),
    statuses: [400],
    killer: true,
  });
  add({ name: 'GET http:/healthz', bytes: request('GET http:/healthz HTTP/1.1'), statuses: [400], killer: true });
  add({ name: 'GET absolute-form /healthz', bytes: request('GET http://x/healthz HTTP/1.1'), statuses: [200] });
  add({ name: 'GET absolute-form IPv6', bytes: request('GET http://[::1]:80/healthz HTTP/1.1'), statuses: [200] });
  add({ name: 'GET a bare name', bytes: request('GET healthz HTTP/1.1'), statuses: [400], killer: true });
  add({ name: 'GET *', bytes: request('GET * HTTP/1.1'), statuses: [400], killer: true });
  add({ name: 'OPTIONS *', bytes: request('OPTIONS * HTTP/1.1'), statuses: [204] });
  add({ name: 'OPTIONS /graphql', bytes: request('OPTIONS /graphql HTTP/1.1'), statuses: [405] });
  add({
    name: 'CONNECT authority-form',
    bytes: request('CONNECT x:443 HTTP/1.1'),
    statuses: [405, 'closed'],
    killer: true,
  });
  add({
    name: 'CONNECT to a path',
    bytes: request('CONNECT /graphql HTTP/1.1'),
    statuses: [405, 400, 'closed'],
    killer: true,
  });
  add({ name: 'a method node does not know', bytes: request('FOO /graphql HTTP/1.1'), statuses: [400, 'closed'] });
  add({
    name: 'DELETE /graphql',
    bytes: request('DELETE /graphql HTTP/1.1'),
    statuses: [405],
    code: 'METHOD_NOT_ALLOWED',
  });
  add({ name: 'HTTP/9.9', bytes: request('GET /healthz HTTP/9.9'), statuses: [400, 505, 'closed'] });
  add({ name: 'no version (HTTP/0.9)', bytes: 'GET /healthz\r\n\r\n', statuses: [200, 400, 'closed'] });
  add({ name: 'empty lines only', bytes: '\r\n\r\n\r\n', statuses: [400, 408, 'closed'] });
  add({
    name: 'binary garbage',
    bytes: Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0xff, 0xfe]),
    statuses: [400, 'closed'],
  });
  add({ name: 'HTTP/1.0 without Host', bytes: 'GET /healthz HTTP/1.0\r\n\r\n', statuses: [200] });
  add({
    name: 'HTTP/1.1 without Host',
    bytes: 'GET /graphql HTTP/1.1\r\nConnection: close\r\n\r\n',
    statuses: [400],
    code: 'BAD_REQUEST',
  });
  add({ name: 'two Host headers', bytes: request('GET /healthz HTTP/1.1', { host: 'y' }), statuses: [200, 400] });

  // Percent-encoding, NUL bytes, sizes.
  add({
    name: 'bad percent-encoding in the path',
    bytes: request('GET /%zz%E0%A4%A HTTP/1.1'),
    statuses: [404],
    killer: true,
  });
  add({
    name: 'bad percent-encoding in the query',
    bytes: request('GET /graphql?query=%E0%A4%A%zz&variables=%7B%zz HTTP/1.1', { 'apollo-require-preflight': 'true' }),
    statuses: [400],
    killer: true,
  });
  add({ name: 'an encoded NUL in the path', bytes: request('GET /graphql%00 HTTP/1.1'), statuses: [404] });
  add({ name: 'a NUL byte in the target', bytes: request('GET /graph\0ql HTTP/1.1'), statuses: [400, 'closed'] });
  add({
    name: 'a NUL byte in a header',
    bytes: request('GET /healthz HTTP/1.1', { 'X-A': 'a\0b' }),
    statuses: [400, 'closed'],
  });
  add({ name: 'a NUL byte in the body', bytes: post(`{"query":"{ __typename }\0"}`), statuses: [400] });
  add({
    name: 'a 100 KB target',
    bytes: request(`GET /${'a'.repeat(100_000)} HTTP/1.1`),
    statuses: [431],
    code: 'HEADERS_TOO_LARGE',
  });
  add({
    name: 'a 100 KB GraphQL query string',
    bytes: request(`GET /graphql?query=${'%7B'.repeat(33_000)} HTTP/1.1`),
    statuses: [431],
  });
  add({
    name: 'a 10 KB Authorization',
    bytes: post(VALID_QUERY, { Authorization: `Bearer ${'x'.repeat(10_000)}` }),
    statuses: [401],
    code: 'UNAUTHENTICATED',
  });
  add({
    name: '3000 headers',
    bytes: request(
      'GET /healthz HTTP/1.1',
      Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`x-h${i}`, 'v'])),
    ),
    statuses: [431],
  });

  // Header syntax.
  add({
    name: 'a control character in a header value',
    bytes: request('GET /healthz HTTP/1.1', { 'X-A': 'a\x01b' }),
    statuses: [400, 'closed'],
  });
  add({
    name: 'DEL in a header value',
    bytes: request('GET /healthz HTTP/1.1', { 'X-A': 'a\x7fb' }),
    statuses: [400, 'closed'],
  });
  add({
    name: 'a space in a header name',
    bytes: request('GET /healthz HTTP/1.1', { 'X A': 'b' }),
    statuses: [400, 'closed'],
  });
  add({
    name: 'a bare CR in a header',
    bytes: 'GET /healthz HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n',
    statuses: [400, 'closed'],
  });
  add({ name: 'a bare LF line ending', bytes: 'GET /healthz HTTP/1.1\nHost: x\n\n', statuses: [200, 400, 'closed'] });
  add({
    name: 'an obs-fold header',
    bytes: 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\nConnection: close\r\n\r\n',
    statuses: [200, 400, 'closed'],
  });
  add({
    name: 'a header without a colon',
    bytes: 'GET /healthz HTTP/1.1\r\nHost: x\r\nnonsense\r\n\r\n',
    statuses: [400, 'closed'],
  });
  add({
    name: 'a malformed x-request-id',
    bytes: request('GET /healthz HTTP/1.1', { 'X-Request-Id': '<script>'.repeat(50) }),
    statuses: [200],
  });
  for (const [label, value] of [
    ['garbage', ']]]not-an-address[[['],
    ['commas only', ', , , ,'],
    ['5 KB of entries', Array.from({ length: 700 }, (_, i) => `10.0.${i % 256}.1`).join(',')],
    ['IPv6 garbage', '::::::ffff:999.1.1.1, [::1]:80, fe80::1%eth0'],
    ['a control character', 'a\tb'],
  ] as const)
    add({ name: `X-Forwarded-For: ${label}`, bytes: post(VALID_QUERY, { 'X-Forwarded-For': value }), statuses: [200] });

  // Framing.
  add({
    name: 'broken chunked encoding',
    bytes: request(
      'POST /graphql HTTP/1.1',
      { ...JSON_TYPE, 'Transfer-Encoding': 'chunked' },
      'zz\r\n{"query"\r\n0\r\n\r\n',
      { length: false },
    ),
    statuses: [400, 'closed'],
  });
  add({
    name: 'a chunk longer than announced',
    bytes: request(
      'POST /graphql HTTP/1.1',
      { ...JSON_TYPE, 'Transfer-Encoding': 'chunked' },
      `2\r\n${VALID_QUERY}\r\n0\r\n\r\n`,
      { length: false },
    ),
    statuses: [400, 'closed'],
  });
  add({
    name: 'chunked without the last chunk',
    bytes: request(
      'POST /graphql HTTP/1.1',
      { ...JSON_TYPE, 'Transfer-Encoding': 'chunked' },
      `${VALID_QUERY.length.toString(16)}\r\n${VALID_QUERY}\r\n`,
      { length: false },
    ),
    statuses: [400, 408, 'closed'],
  });
  add({
    name: 'a well-formed chunked body',
    bytes: request(
      'POST /graphql HTTP/1.1',
      { ...JSON_TYPE, 'Transfer-Encoding': 'chunked' },
      `${VALID_QUERY.length.toString(16)}\r\n${VALID_QUERY}\r\n0\r\n\r\n`,
      { length: false },
    ),
    statuses: [200],
  });
  add({
    name: 'Content-Length longer than the body',
    bytes: post(VALID_QUERY, { 'Content-Length': '5000' }),
    statuses: [400, 408, 'closed'],
  });
  add({
    name: 'Content-Length shorter than the body',
    bytes: post(VALID_QUERY, { 'Content-Length': '10' }),
    statuses: [400],
  });
  add({
    name: 'both Content-Length and Transfer-Encoding',
    bytes: post(`${VALID_QUERY.length.toString(16)}\r\n${VALID_QUERY}\r\n0\r\n\r\n`, {
      'Transfer-Encoding': 'chunked',
      'Content-Length': '4',
    }),
    statuses: [400, 'closed'],
  });
  add({ name: 'Content-Length: -1', bytes: post(VALID_QUERY, { 'Content-Length': '-1' }), statuses: [400, 'closed'] });
  add({
    name: 'Content-Length: abc',
    bytes: post(VALID_QUERY, { 'Content-Length': 'abc' }),
    statuses: [400, 'closed'],
  });
  add({
    name: 'two different Content-Lengths',
    bytes: Buffer.concat([
      Buffer.from(
        `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${VALID_QUERY.length}\r\nContent-Length: 3\r\n\r\n`,
      ),
      Buffer.from(VALID_QUERY),
    ]),
    statuses: [400, 'closed'],
  });
  add({
    name: 'Transfer-Encoding: gzip',
    bytes: post(VALID_QUERY, { 'Transfer-Encoding': 'gzip' }),
    statuses: [400, 501, 'closed'],
  });
  add({
    name: 'a body larger than MAX_BODY_BYTES',
    bytes: post(`{"query":"{ __typename }","x":"${'y'.repeat(1_100_000)}"}`),
    statuses: [413],
    code: 'PAYLOAD_TOO_LARGE',
  });
  add({
    name: 'two pipelined requests',
    bytes: Buffer.concat([
      request('GET /healthz HTTP/1.1', { Connection: 'keep-alive' }),
      request('GET /healthz HTTP/1.1'),
    ]),
    statuses: [200],
  });

  // Media type and encoding.
  add({
    name: 'invalid UTF-8',
    bytes: post(
      Buffer.concat([
        Buffer.from('{"query":"{ __typename }","x":"'),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('"}'),
      ]),
    ),
    statuses: [400],
    code: 'INVALID_ENCODING',
  });
  add({
    name: 'an overlong UTF-8 encoding',
    bytes: post(Buffer.concat([Buffer.from('{"query":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')])),
    statuses: [400],
    code: 'INVALID_ENCODING',
  });
  add({
    name: 'charset=utf-16',
    bytes: post(Buffer.from(VALID_QUERY, 'utf16le'), { 'Content-Type': 'application/json; charset=utf-16' }),
    statuses: [415],
    code: 'UNSUPPORTED_MEDIA_TYPE',
  });
  add({
    name: 'charset="UTF-8"',
    bytes: post(VALID_QUERY, { 'Content-Type': 'application/json; charset="UTF-8"' }),
    statuses: [200],
  });
  add({
    name: 'text/plain, preflighted',
    bytes: post(VALID_QUERY, { 'Content-Type': 'text/plain', 'apollo-require-preflight': 'true' }),
    statuses: [415],
    code: 'UNSUPPORTED_MEDIA_TYPE',
  });
  add({
    name: 'text/plain, not preflighted',
    bytes: post(VALID_QUERY, { 'Content-Type': 'text/plain' }),
    statuses: [400],
    code: 'CSRF_PREVENTED',
  });
  add({
    name: 'application/xml',
    bytes: post(VALID_QUERY, { 'Content-Type': 'application/xml' }),
    statuses: [415],
    code: 'UNSUPPORTED_MEDIA_TYPE',
  });
  add({
    name: 'no Content-Type',
    bytes: request('POST /graphql HTTP/1.1', {}, VALID_QUERY),
    statuses: [400],
    code: 'CSRF_PREVENTED',
  });
  add({
    name: 'an empty body',
    bytes: request('POST /graphql HTTP/1.1', { ...JSON_TYPE, 'Content-Length': '0' }),
    statuses: [400],
    code: 'BAD_REQUEST',
  });
  add({
    name: 'a UTF-8 BOM',
    bytes: post(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(VALID_QUERY)])),
    statuses: [200],
  });

  // JSON of the wrong shape.
  for (const body of [
    'null',
    '"a string"',
    '42',
    '-1e999',
    'true',
    '[]',
    `[${VALID_QUERY}]`,
    '{"query":',
    '{}}',
    '\u2028',
  ])
    add({ name: `JSON ${body.slice(0, 30)}`, bytes: post(body), statuses: [400] });
  add({ name: 'JSON 20,000 deep', bytes: post(deep(20_000)), statuses: [400], code: 'MAX_JSON_DEPTH_EXCEEDED' });
  add({
    name: 'JSON objects 20,000 deep',
    bytes: post('{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000)),
    statuses: [400],
    code: 'MAX_JSON_DEPTH_EXCEEDED',
  });
  add({
    name: 'variables 20,000 deep',
    bytes: post(`{"query":"{ __typename }","variables":{"a":${deep(20_000)}}}`),
    statuses: [400],
    code: 'MAX_JSON_DEPTH_EXCEEDED',
  });
  add({
    name: 'GET variables 5,000 deep',
    bytes: request(
      `GET /graphql?query=%7B__typename%7D&variables=${encodeURIComponent('{"a":' + deep(5000) + '}')} HTTP/1.1`,
      { 'apollo-require-preflight': 'true' },
    ),
    statuses: [400, 431],
  });
  add({
    name: 'brackets inside strings do not count',
    bytes: post(JSON.stringify({ query: `{ __typename } # ${'['.repeat(5000)}` })),
    statuses: [200],
  });
  for (const [field, values] of [
    ['query', [42, null, true, [], {}, ['{ __typename }']]],
    ['variables', ['x', 42, [], true]],
    ['operationName', [42, {}, [], true]],
    ['extensions', ['x', 42, [], true]],
  ] as const)
    for (const value of values)
      add({
        name: `${field}: ${JSON.stringify(value)}`,
        bytes: post(JSON.stringify({ query: '{ __typename }', [field]: value })),
        statuses: [400],
        code: 'BAD_REQUEST',
      });
  add({
    name: 'a valid query',
    bytes: post(VALID_QUERY, { Authorization: `Bearer ${HTTP_SECRETS.adminToken}` }),
    statuses: [200],
  });
  return cases;
}

/** Slow clients, against a gateway configured with small timeouts (headers 300 ms, whole request 400-600 ms). */
export function slowCorpus(): CorpusCase[] {
  return [
    {
      name: 'headers never finished',
      bytes: 'GET /healthz HTTP/1.1\r\nHost: x\r\n',
      keepOpen: true,
      statuses: [408],
      code: 'CLIENT_TIMEOUT',
    },
    {
      name: 'headers trickled',
      bytes: '',
      pieces: [
        'GET /healthz HTTP/1.1\r\n',
        'Host: x\r\n',
        'X-A: 1\r\n',
        'X-B: 2\r\n',
        'X-C: 3\r\n',
        'X-D: 4\r\n',
        'X-E: 5\r\n',
        'X-F: 6\r\n',
        '\r\n',
      ],
      pieceDelayMs: 100,
      keepOpen: true,
      statuses: [408],
    },
    {
      name: 'a body never finished',
      bytes: post(VALID_QUERY, { 'Content-Length': '5000' }),
      keepOpen: true,
      statuses: [408],
      code: 'CLIENT_TIMEOUT',
    },
    {
      name: 'a body trickled',
      bytes: '',
      pieces: [
        post('', { 'Content-Length': String(VALID_QUERY.length) }).toString('latin1'),
        ...VALID_QUERY.slice(0, 12).split(''),
      ],
      pieceDelayMs: 100,
      keepOpen: true,
      statuses: [408],
    },
  ];
}
