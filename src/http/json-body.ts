/**
 * What a GraphQL request may carry, checked before Apollo sees it, each refusal with its own
 * code (README "Error codes"):
 * - a POST body is `application/json`, charset utf-8 if one is named (else 415
 *   UNSUPPORTED_MEDIA_TYPE; a CSRF-simple type without a preflight header is 400 CSRF_PREVENTED,
 *   as Apollo would answer it);
 * - it is valid UTF-8 (400 INVALID_ENCODING), JSON nested at most `maxJsonDepth` deep (400
 *   MAX_JSON_DEPTH_EXCEEDED, checked by a scan before parsing, so no parser or serialiser
 *   recurses into it), valid JSON (400 BAD_REQUEST);
 * - it is one object (batching is off) whose query and operationName are strings and whose
 *   variables and extensions are objects, each optional (400 BAD_REQUEST naming the field);
 * - its variables take at most `maxVariablesBytes` as JSON (413 VARIABLES_TOO_LARGE);
 * - on GET, the `variables` and `extensions` parameters obey the same depth bound.
 */
import { ErrorCode } from '../errors.js';

export interface Refusal {
  readonly status: number;
  readonly code: ErrorCode;
  readonly message: string;
}

export interface BodyLimits {
  readonly maxJsonDepth: number;
  readonly maxVariablesBytes: number;
}

export type BodyVerdict = { readonly body: Record<string, unknown> } | { readonly refusal: Refusal };

/** The three types a browser sends cross-site without a preflight (Apollo's CSRF rule). */
const SIMPLE_TYPES = new Set(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']);
const PREFLIGHT_HEADERS = ['x-apollo-operation-name', 'apollo-require-preflight'] as const;
const CSRF_MESSAGE =
  "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Please either specify a 'content-type' header (with a type that is not one of application/x-www-form-urlencoded, multipart/form-data, text/plain) or provide a non-empty value for one of the following headers: x-apollo-operation-name, apollo-require-preflight";

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The refusal for a POST's Content-Type, or undefined for `application/json` in UTF-8. */
export function checkContentType(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Refusal | undefined {
  const header = headers['content-type'];
  const [essence = '', ...parameters] = (typeof header === 'string' ? header : '').split(';');
  const type = essence.trim().toLowerCase();
  if (type !== 'application/json') {
    const preflighted =
      (type !== '' && !SIMPLE_TYPES.has(type)) ||
      PREFLIGHT_HEADERS.some((name) => typeof headers[name] === 'string' && headers[name] !== '');
    if (!preflighted) return { status: 400, code: ErrorCode.CSRF_PREVENTED, message: CSRF_MESSAGE };
    return {
      status: 415,
      code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      message: 'Send GraphQL requests as Content-Type: application/json.',
    };
  }
  for (const parameter of parameters) {
    const equals = parameter.indexOf('=');
    const name = parameter
      .slice(0, equals < 0 ? undefined : equals)
      .trim()
      .toLowerCase();
    if (name !== 'charset') continue;
    const value = (equals < 0 ? '' : parameter.slice(equals + 1))
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    if (value !== 'utf-8' && value !== 'utf8')
      return {
        status: 415,
        code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        message: `The body must be UTF-8; charset=${value.slice(0, 40)} is not supported.`,
      };
  }
  return undefined;
}

/** A POST body (already within MAX_BODY_BYTES) as the GraphQL request object, or its refusal. */
export function parseBody(bytes: Buffer, limits: BodyLimits): BodyVerdict {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return refuse(400, ErrorCode.INVALID_ENCODING, 'The request body is not valid UTF-8.');
  }
  if (text.trim() === '') return refuse(400, ErrorCode.BAD_REQUEST, 'The request body is empty.');
  const depthRefusal = checkDepth(text, limits.maxJsonDepth, 'The request body');
  if (depthRefusal) return { refusal: depthRefusal };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return refuse(400, ErrorCode.BAD_REQUEST, 'The request body is not valid JSON.');
  }
  if (!isObject(parsed))
    return refuse(
      400,
      ErrorCode.BAD_REQUEST,
      Array.isArray(parsed)
        ? 'The request body is a JSON array; batched requests are not supported, send one object.'
        : `The request body is JSON ${parsed === null ? 'null' : typeof parsed}; send one object { query, variables?, operationName?, extensions? }.`,
    );
  const shape = checkShape(parsed);
  if (shape) return { refusal: shape };
  if (parsed.variables != null) {
    const variablesBytes = Buffer.byteLength(JSON.stringify(parsed.variables), 'utf8');
    if (variablesBytes > limits.maxVariablesBytes)
      return refuse(
        413,
        ErrorCode.VARIABLES_TOO_LARGE,
        `The variables take ${variablesBytes} bytes; at most ${limits.maxVariablesBytes} are allowed (MAX_VARIABLES_BYTES).`,
      );
  }
  return { body: parsed };
}

/** The refusal for a GET's JSON-valued parameters nested too deep; Apollo parses and checks them. */
export function checkSearchParameters(search: string, limits: BodyLimits): Refusal | undefined {
  const parameters = new URLSearchParams(search);
  for (const name of ['variables', 'extensions']) {
    for (const value of parameters.getAll(name)) {
      const refusal = checkDepth(value, limits.maxJsonDepth, `The ${name} parameter`);
      if (refusal) return refusal;
    }
  }
  return undefined;
}

function checkShape(body: Record<string, unknown>): Refusal | undefined {
  const wrong = (field: string, expected: string) =>
    ({
      status: 400,
      code: ErrorCode.BAD_REQUEST,
      message: `"${field}" must be ${expected}; got ${describe(body[field])}.`,
    }) satisfies Refusal;
  if (body.query !== undefined && typeof body.query !== 'string') return wrong('query', 'a string');
  if (body.operationName != null && typeof body.operationName !== 'string')
    return wrong('operationName', 'a string or null');
  if (body.variables != null && !isObject(body.variables)) return wrong('variables', 'an object or null');
  if (body.extensions != null && !isObject(body.extensions)) return wrong('extensions', 'an object or null');
  return undefined;
}

/**
 * Counts `[`/`{` nesting outside strings; a scan, so even 20,000 levels cost one pass and no
 * recursion. Malformed JSON passes here and fails in JSON.parse.
 */
function checkDepth(text: string, maxDepth: number, what: string): Refusal | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > maxDepth)
        return {
          status: 400,
          code: ErrorCode.MAX_JSON_DEPTH_EXCEEDED,
          message: `${what} nests JSON deeper than ${maxDepth} levels (MAX_JSON_DEPTH).`,
        };
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function refuse(status: number, code: ErrorCode, message: string): BodyVerdict {
  return { refusal: { status, code, message } };
}
