import type { RequestHandler } from 'express';
import type { Authenticator } from '../access/authenticator';
import { GatewayError } from '../errors/gateway-error';
import { ErrorCode } from '../errors/error-codes';
import { isStoreUnavailable } from '../errors/store-unavailable';
import { sendHttpError } from './send-http-error';

/**
 * Before anything reads the body: the request's principal (`res.locals.principal`), or a
 * 401 (403 for a credential that grants no role) in the GraphQL-over-HTTP error shape,
 * with `WWW-Authenticate` as RFC 6750 asks. Nothing of the operation is parsed or run.
 */
export function authenticateRequests(authenticator: Authenticator): RequestHandler {
  return async (req, res, next) => {
    try {
      res.locals.principal = await authenticator.authenticate(req.get('authorization'));
      next();
    } catch (error) {
      if (isStoreUnavailable(error)) return sendHttpError(req, res, ErrorCode.STORE_UNAVAILABLE);
      if (!(error instanceof GatewayError)) return next(error);
      if (error.code === ErrorCode.UNAUTHENTICATED) {
        const given = req.get('authorization') !== undefined;
        res.set('WWW-Authenticate', given ? 'Bearer realm="customer-profile-gateway", error="invalid_token"' : 'Bearer realm="customer-profile-gateway"');
      }
      sendHttpError(req, res, error.code, error.message);
    }
  };
}
