import type { RequestHandler } from 'express';
import { ErrorCode } from '../errors/error-codes';
import { sendHttpError } from './send-http-error';

/** The last route: any path the gateway does not serve answers NOT_FOUND in JSON, naming the ones it does. */
export function notFoundHandler(): RequestHandler {
  return (req, res) => {
    sendHttpError(req, res, ErrorCode.NOT_FOUND, 'No such endpoint; the gateway serves /graphql, /console, /preferences, /healthz, /readyz and /metrics.');
  };
}
