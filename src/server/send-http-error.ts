import type { Request, Response } from 'express';
import { errorCatalog, type ErrorCode } from '../errors/error-codes';

/** The media types a GraphQL-over-HTTP error may be sent as, the legacy one first (the default). */
const errorMediaTypes = ['application/json', 'application/graphql-response+json'];

/**
 * Answers a request the HTTP layer rejected (before any GraphQL execution) the way a
 * GraphQL-over-HTTP client expects: `{"errors":[{message, extensions:{code}}]}` with the
 * catalogue's status, as `application/graphql-response+json` when the client asks for that
 * and `application/json` otherwise. Never a stack, a file path or a byte of the request.
 * `extensions` adds machine-readable detail beside the code (a limit's name and value).
 */
export function sendHttpError(
  req: Request,
  res: Response,
  code: ErrorCode,
  message: string = errorCatalog[code].message,
  extensions: Record<string, unknown> = {},
): void {
  res.locals.errorCode = code; // for the request's log line
  const mediaType = req.accepts(errorMediaTypes) || errorMediaTypes[0]!;
  res
    .status(errorCatalog[code].httpStatus)
    .type(`${mediaType}; charset=utf-8`)
    .send(JSON.stringify({ errors: [{ message, extensions: { ...extensions, code } }] }));
}
