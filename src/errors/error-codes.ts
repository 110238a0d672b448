/**
 * Every `extensions.code` the API can return, in one place.
 *
 * The values equal their names, so a client can switch on them as strings. Each code
 * has the message a person sees when nothing more specific is known, and the HTTP
 * status it maps to where a status is chosen by us (webhooks, REST endpoints, a
 * request rejected before execution). README.md documents every code; a test checks
 * both directions.
 */
export enum ErrorCode {
  // --- The request itself -------------------------------------------------------
  GRAPHQL_PARSE_FAILED = 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED',
  BAD_REQUEST = 'BAD_REQUEST',
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  OPERATION_RESOLUTION_FAILURE = 'OPERATION_RESOLUTION_FAILURE',
  LIMIT_EXCEEDED = 'LIMIT_EXCEEDED',

  // --- Who is asking ------------------------------------------------------------
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  RATE_LIMITED = 'RATE_LIMITED',

  // --- The data -----------------------------------------------------------------
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',

  // --- Systems we depend on -----------------------------------------------------
  SOURCE_UNAVAILABLE = 'SOURCE_UNAVAILABLE',
  STORE_UNAVAILABLE = 'STORE_UNAVAILABLE',

  // --- Everything else ----------------------------------------------------------
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** What the catalogue knows about one code. */
export interface ErrorCodeEntry {
  /** The default message, written for the person who reads the error. */
  readonly message: string;
  /** The HTTP status this code maps to where we choose the status. */
  readonly httpStatus: number;
}

/** The catalogue: a message and a status per code, frozen. */
export const errorCatalog: Readonly<Record<ErrorCode, ErrorCodeEntry>> = Object.freeze({
  [ErrorCode.GRAPHQL_PARSE_FAILED]: { message: 'The query is not valid GraphQL syntax.', httpStatus: 400 },
  [ErrorCode.GRAPHQL_VALIDATION_FAILED]: { message: 'The query does not match the schema.', httpStatus: 400 },
  [ErrorCode.BAD_REQUEST]: { message: 'The HTTP request is not a valid GraphQL request.', httpStatus: 400 },
  [ErrorCode.METHOD_NOT_ALLOWED]: { message: 'This endpoint does not answer this HTTP method; the Allow header lists the ones it does.', httpStatus: 405 },
  [ErrorCode.PAYLOAD_TOO_LARGE]: { message: 'The request body is larger than the gateway accepts.', httpStatus: 413 },
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: {
    message: "The request body's charset or content encoding is not supported; send UTF-8 JSON.",
    httpStatus: 415,
  },
  [ErrorCode.BAD_USER_INPUT]: { message: 'An argument is invalid; the message names it.', httpStatus: 400 },
  [ErrorCode.OPERATION_RESOLUTION_FAILURE]: {
    message: 'The request names no operation, or one the document does not contain.',
    httpStatus: 400,
  },
  [ErrorCode.LIMIT_EXCEEDED]: {
    message: 'The operation exceeds a limit checked before execution (depth, aliases, directives, tokens, cost or list size); nothing ran.',
    httpStatus: 400,
  },
  [ErrorCode.UNAUTHENTICATED]: { message: 'Credentials are missing or invalid.', httpStatus: 401 },
  [ErrorCode.FORBIDDEN]: { message: 'The caller may not do this.', httpStatus: 403 },
  [ErrorCode.RATE_LIMITED]: { message: 'Too many requests from this caller; retry after the seconds in Retry-After.', httpStatus: 429 },
  [ErrorCode.NOT_FOUND]: { message: 'No such record.', httpStatus: 404 },
  [ErrorCode.CONFLICT]: {
    message: 'The change conflicts with data already stored; re-read and retry.',
    httpStatus: 409,
  },
  [ErrorCode.SOURCE_UNAVAILABLE]: {
    message: 'A connected source system failed or timed out; its part of the answer is missing.',
    httpStatus: 502,
  },
  [ErrorCode.STORE_UNAVAILABLE]: { message: 'The store cannot be reached; retry later.', httpStatus: 503 },
  [ErrorCode.INTERNAL_SERVER_ERROR]: { message: 'Unexpected error.', httpStatus: 500 },
});

/** The codes the API returns as they are; anything else is masked. */
export const publicErrorCodes: ReadonlySet<string> = new Set(Object.values(ErrorCode));
