/**
 * Every error code a client can see in `extensions.code`, and the GraphQLError subclasses
 * that carry them. Anything else leaving the gateway is masked as INTERNAL_SERVER_ERROR.
 */
import { GraphQLError } from 'graphql';

export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  INVALID_CURSOR = 'INVALID_CURSOR',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  HOT_STORE_UNAVAILABLE = 'HOT_STORE_UNAVAILABLE',
  COLD_STORE_UNAVAILABLE = 'COLD_STORE_UNAVAILABLE',
  ARCHIVAL_IN_PROGRESS = 'ARCHIVAL_IN_PROGRESS',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
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
