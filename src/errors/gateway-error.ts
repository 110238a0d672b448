import { GraphQLError } from 'graphql';
import { ErrorCode, errorCatalog } from './error-codes';

/** Options of a {@link GatewayError}. */
export interface GatewayErrorOptions {
  /** The underlying error, kept for the log; never shown to the caller. */
  cause?: unknown;
  /** Extra machine-readable detail (never personal data). */
  extensions?: Record<string, unknown>;
}

/**
 * An error the API returns on purpose: a code from the catalogue and a message a
 * person can act on. Services throw these; the error formatter passes them through.
 */
export class GatewayError extends GraphQLError {
  /** The catalogue code, also in `extensions.code`. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string = errorCatalog[code].message, options: GatewayErrorOptions = {}) {
    super(message, { extensions: { ...options.extensions, code }, originalError: asError(options.cause) });
    this.code = code;
    this.name = 'GatewayError';
  }
}

/** A write lost to a concurrent writer or collided with stored data (E11000 and the like). */
export class ConflictError extends GatewayError {
  constructor(message: string = errorCatalog[ErrorCode.CONFLICT].message, options: GatewayErrorOptions = {}) {
    super(ErrorCode.CONFLICT, message, options);
    this.name = 'ConflictError';
  }
}

/** An argument failed validation; the message names the field. */
export class BadUserInputError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(ErrorCode.BAD_USER_INPUT, message, options);
    this.name = 'BadUserInputError';
  }
}

/** The thing asked for does not exist. */
export class NotFoundError extends GatewayError {
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(ErrorCode.NOT_FOUND, message, options);
    this.name = 'NotFoundError';
  }
}

function asError(cause: unknown): Error | undefined {
  if (cause === undefined) return undefined;
  return cause instanceof Error ? cause : new Error(String(cause));
}
