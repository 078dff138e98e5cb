/**
 * Every error code a client can see in `extensions.code`, and the GraphQLError subclasses
 * that carry them. Anything else leaving the gateway is masked as INTERNAL_SERVER_ERROR with
 * an errorId (server.ts): a code that is not in this enum never reaches a client.
 */
import { GraphQLError } from 'graphql';

export enum ErrorCode {
  // Arguments and identity.
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  INVALID_CURSOR = 'INVALID_CURSOR',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  // The request itself, refused before anything runs (http/ and graphql/limits/).
  BAD_REQUEST = 'BAD_REQUEST',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  INVALID_ENCODING = 'INVALID_ENCODING',
  MAX_JSON_DEPTH_EXCEEDED = 'MAX_JSON_DEPTH_EXCEEDED',
  HEADERS_TOO_LARGE = 'HEADERS_TOO_LARGE',
  CLIENT_TIMEOUT = 'CLIENT_TIMEOUT',
  GRAPHQL_PARSE_FAILED = 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED',
  OPERATION_RESOLUTION_FAILURE = 'OPERATION_RESOLUTION_FAILURE',
  PERSISTED_QUERY_NOT_SUPPORTED = 'PERSISTED_QUERY_NOT_SUPPORTED',
  CSRF_PREVENTED = 'CSRF_PREVENTED',
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  VARIABLES_TOO_LARGE = 'VARIABLES_TOO_LARGE',
  MAX_TOKENS_EXCEEDED = 'MAX_TOKENS_EXCEEDED',
  MAX_DEPTH_EXCEEDED = 'MAX_DEPTH_EXCEEDED',
  MAX_ALIASES_EXCEEDED = 'MAX_ALIASES_EXCEEDED',
  MAX_DIRECTIVES_EXCEEDED = 'MAX_DIRECTIVES_EXCEEDED',
  MAX_COST_EXCEEDED = 'MAX_COST_EXCEEDED',
  INTROSPECTION_DISABLED = 'INTROSPECTION_DISABLED',
  RATE_LIMITED = 'RATE_LIMITED',
  // Live delivery (graphql-ws): the subscriber read too slowly and its bounded queue overflowed.
  SLOW_CONSUMER = 'SLOW_CONSUMER',
  // The gateway and its stores.
  REQUEST_TIMEOUT = 'REQUEST_TIMEOUT',
  SHUTTING_DOWN = 'SHUTTING_DOWN',
  HOT_STORE_UNAVAILABLE = 'HOT_STORE_UNAVAILABLE',
  COLD_STORE_UNAVAILABLE = 'COLD_STORE_UNAVAILABLE',
  ARCHIVAL_IN_PROGRESS = 'ARCHIVAL_IN_PROGRESS',
  ARCHIVAL_DISABLED = 'ARCHIVAL_DISABLED',
  ARCHIVAL_RUN_FINISHED = 'ARCHIVAL_RUN_FINISHED',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

const CODES = new Set<string>(Object.values(ErrorCode));

/** True for a code of this enum: the only codes a client may see. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && CODES.has(code);
}

/** An argument the client can fix; `argumentName` says which. */
export class UserInputError extends GraphQLError {
  constructor(message: string, argumentName?: string, code: ErrorCode = ErrorCode.BAD_USER_INPUT) {
    super(message, { extensions: { code, ...(argumentName ? { argumentName } : {}) } });
  }
}

export class UnauthenticatedError extends GraphQLError {
  constructor(message = 'This field needs a valid token in the Authorization header.') {
    super(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
  }
}

export class ForbiddenError extends GraphQLError {
  constructor(message = 'The token does not grant access to this field.') {
    super(message, { extensions: { code: ErrorCode.FORBIDDEN } });
  }
}

export class NotFoundError extends GraphQLError {
  constructor(message: string, argumentName?: string) {
    super(message, { extensions: { code: ErrorCode.NOT_FOUND, ...(argumentName ? { argumentName } : {}) } });
  }
}

export class ArchivalInProgressError extends GraphQLError {
  constructor(message = 'An archival run or restore is already in progress; try again when it has finished.') {
    super(message, { extensions: { code: ErrorCode.ARCHIVAL_IN_PROGRESS } });
  }
}

export class ArchivalDisabledError extends GraphQLError {
  constructor() {
    super('Archival is disabled: this gateway serves the hot store alone (COLD_STORE=disabled).', {
      extensions: { code: ErrorCode.ARCHIVAL_DISABLED },
    });
  }
}

/** cancelArchivalRun on a run that already ended: there is nothing left to stop. */
export class ArchivalRunFinishedError extends GraphQLError {
  constructor(runId: number, status: string) {
    super(`Archival run ${runId} already ended ${status}; only a RUNNING run can be cancelled.`, {
      extensions: { code: ErrorCode.ARCHIVAL_RUN_FINISHED, argumentName: 'id' },
    });
  }
}

/** A request refused as a whole, before any resolver ran (limits, size, introspection). */
export class RequestRejectedError extends GraphQLError {
  constructor(code: ErrorCode, message: string, status = 400) {
    super(message, { extensions: { code, http: { status } } });
  }
}
