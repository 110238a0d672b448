import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { isStoreUnavailable } from '../errors/store-unavailable';
import type { OneClickUnsubscribe } from '../preferences/one-click-unsubscribe';
import { isOneClickBody } from './one-click-body';
import { sendHttpError } from './send-http-error';

/**
 * `/preferences/unsubscribe?token=<link token>`: RFC 8058 one-click unsubscribe
 * (src/preferences/one-click-unsubscribe.ts). Only a POST with the body
 * `List-Unsubscribe=One-Click` changes anything: a link scanner's GET (or HEAD) gets 405
 * with `Allow: POST`. No Bearer credential: the token in the URI admits the call (the
 * RFC forbids the client to send cookies or authorization), and the request's log line
 * has the path only, never the query string that carries it. The answer is a short
 * text; refusals are GraphQL-over-HTTP JSON errors with a code from the catalogue.
 */
export function unsubscribeRoute(unsubscribe: OneClickUnsubscribe): Router {
  const router = Router();
  const body = express.text({ type: () => true, limit: '16kb' });
  router.post('/', body, async (req: Request, res: Response, next: NextFunction) => {
    if (!isOneClickBody(req.get('content-type'), typeof req.body === 'string' ? req.body : '')) {
      return sendHttpError(req, res, ErrorCode.BAD_REQUEST, 'Send the body `List-Unsubscribe=One-Click` (RFC 8058), form-encoded; nothing was changed.');
    }
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if (token === '') return sendHttpError(req, res, ErrorCode.UNAUTHENTICATED, 'The unsubscribe link has no token; use the whole link from the email.');
    try {
      const { purpose } = await unsubscribe.unsubscribe({ token, ip: req.socket.remoteAddress ?? null, userAgent: req.get('user-agent') ?? null });
      res.status(200).type('text/plain; charset=utf-8').send(`Unsubscribed: no more ${purpose.toLowerCase().replace(/_/g, ' ')} email.\n`);
    } catch (error) {
      if (isStoreUnavailable(error)) return sendHttpError(req, res, ErrorCode.STORE_UNAVAILABLE);
      if (error instanceof GatewayError) return sendHttpError(req, res, error.code, error.message);
      next(error);
    }
  });
  router.all('/', (req, res) => {
    res.set('Allow', 'POST');
    sendHttpError(req, res, ErrorCode.METHOD_NOT_ALLOWED, 'One-click unsubscribe changes nothing on a GET: POST `List-Unsubscribe=One-Click` to this address (RFC 8058).');
  });
  return router;
}
