import type { ErrorRequestHandler } from 'express';
import { ErrorCode } from '../errors/error-codes';
import type { Logger } from '../observability/logger';
import { sendHttpError } from './send-http-error';

/** Options of {@link httpErrorHandler}. */
export interface HttpErrorHandlerOptions {
  /** The largest body accepted, as shown to a caller who sent more. @default '1mb' */
  bodyLimit?: string;
}

/** What body-parser (via `http-errors`) puts on the errors it raises; `body` is the raw request, never read here. */
interface HttpLayerError {
  status?: number;
  statusCode?: number;
  type?: string;
}

/**
 * The express error handler, last in the chain: every error of the HTTP layer becomes a
 * GraphQL-over-HTTP JSON answer with a code from the catalogue. body-parser's errors
 * carry the raw body (`err.body`) and a message quoting it, so neither is read: the
 * answer is chosen from the error's `type` and status alone, and the request's log line
 * (written on `finish`) records only the status and code. Anything else is a bug: it is
 * logged without its request data and answered INTERNAL_SERVER_ERROR. Express's own
 * final handler is never reached, so no HTML page and no stack trace on stderr.
 */
export function httpErrorHandler({ bodyLimit = '1mb' }: HttpErrorHandlerOptions = {}): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const logger = res.locals.logger as Logger;
    if (res.headersSent) {
      // Too late for an answer: the client sees the connection end early.
      logger.error({ err: error }, 'request failed after its response had started');
      res.destroy();
      return;
    }
    const { type, status = (error as HttpLayerError).statusCode } = error as HttpLayerError;
    switch (type) {
      case 'entity.parse.failed':
        return sendHttpError(req, res, ErrorCode.BAD_REQUEST, 'The request body is not valid JSON.');
      case 'entity.too.large':
        return sendHttpError(req, res, ErrorCode.PAYLOAD_TOO_LARGE, `The request body is larger than the gateway accepts (${bodyLimit}).`);
      case 'charset.unsupported':
        return sendHttpError(req, res, ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'The request body must be UTF-8 (say charset=utf-8 or no charset).');
      case 'encoding.unsupported':
        return sendHttpError(
          req,
          res,
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          'The request body must be sent uncompressed or with Content-Encoding gzip, deflate or br.',
        );
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // The client's fault but no case above (an aborted body, a wrong Content-Length, a malformed URL).
      return sendHttpError(req, res, status === 413 ? ErrorCode.PAYLOAD_TOO_LARGE : status === 415 ? ErrorCode.UNSUPPORTED_MEDIA_TYPE : ErrorCode.BAD_REQUEST);
    }
    logger.error({ err: error }, 'unexpected error in the HTTP layer');
    sendHttpError(req, res, ErrorCode.INTERNAL_SERVER_ERROR);
  };
}
