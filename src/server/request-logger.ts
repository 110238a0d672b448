import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Principal } from '../access/principal';
import type { Logger } from '../observability/logger';

/** Options of {@link requestLogger}. */
export interface RequestLoggerOptions {
  /** The process's logger; each request gets a child carrying its request id. */
  logger: Logger;
}

/** A request id from the caller's `x-request-id` when it is sane, otherwise a new one. */
function requestIdOf(req: Request): string {
  const given = req.get('x-request-id');
  return given && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
}

/**
 * The path the client asked for, without the query string (a GET's query and variables
 * are request data). `req.path` and `req.baseUrl` cannot be used: express rewrites them
 * while the request passes through a mounted router, so at `finish` they read
 * `/graphql/` inside the route and `undefined/graphql` after an error left it.
 */
function requestPath(req: Request): string {
  const url = req.originalUrl;
  const end = url.search(/[?#]/);
  const path = end === -1 ? url : url.slice(0, end);
  // A Mailchimp webhook's URL carries its secret, and a preference link's token belongs in
  // the query string (dropped above) or the page's fragment (never sent): a token put in the
  // path by mistake is masked too. Neither ever reaches a log line.
  return path.replace(/^(\/webhooks\/[^/]+\/)[^/]+/, '$1<secret>').replace(/^(\/preferences\/unsubscribe\/).+/, '$1<token>');
}

/**
 * Who sent it, for the log: an API key's id and the roles. A person's subject or a
 * customer's id stays out (a subject may be an email address); the access record has them.
 */
function principalLabel(principal: Principal): string {
  return `${principal.kind === 'api-key' ? principal.id : principal.kind} (${principal.roles.join(' ')})`;
}

/**
 * First in the chain: gives the request its id (`x-request-id` on the response, and
 * `res.locals.logger`, a child logger carrying it), then writes one line when the
 * response is sent: method, path, status, the error code if the HTTP layer set one, and
 * the duration, and who sent it. Nothing from the body, the query string or the headers is logged.
 */
export function requestLogger({ logger }: RequestLoggerOptions): RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdOf(req);
    const started = process.hrtime.bigint();
    const requestLog = logger.child({ requestId });
    res.locals.requestId = requestId;
    res.locals.logger = requestLog;
    res.setHeader('x-request-id', requestId);
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      const code = res.locals.errorCode as string | undefined;
      const principal = res.locals.principal as Principal | undefined;
      requestLog.info(
        { method: req.method, path: requestPath(req), status: res.statusCode, ...(code && { code }), ...(principal && { principal: principalLabel(principal) }), durationMs },
        'request',
      );
    });
    next();
  };
}
