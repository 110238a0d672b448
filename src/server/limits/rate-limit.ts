import type { Request, RequestHandler } from 'express';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Principal } from '../../access/principal';
import { ErrorCode } from '../../errors/error-codes';
import { GatewayError } from '../../errors/gateway-error';
import { sendHttpError } from '../send-http-error';
import type { OperationLimits } from './operation-limits';

/** The window of the burst allowance, in seconds. */
const BURST_WINDOW_SECONDS = 10;

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** The limits of a principal (or of a caller without one); `ratePerSecond` and `burst` are used. */
  limitsOf: (principal: Principal | undefined) => Pick<OperationLimits, 'ratePerSecond' | 'burst'>;
}

/** Whose bucket a request spends: its principal's, else its client address's. */
export function rateLimitKey(principal: Principal | undefined, req: Pick<Request, 'ip'>): string {
  return principal ? `principal:${principal.id}` : `ip:${req.ip ?? 'unknown'}`;
}

/** A per-principal rate limiter, for HTTP requests and websocket subscribe messages alike. */
export interface PrincipalRateLimiter {
  /** Spends one request of the caller's bucket: undefined when allowed, else the seconds until one is (at least 1). */
  consume(principal: Principal | undefined, req: Pick<Request, 'ip'>): Promise<number | undefined>;
}

/**
 * Each principal (each client address, when a request carries none) may send
 * `ratePerSecond` requests a second and `burst` more in any 10 seconds:
 * rate-limiter-flexible's BurstyRateLimiter, a steady rate over a burst allowance, which
 * behaves as a token bucket of `ratePerSecond + burst`. Counters live in this process: N
 * gateway processes behind a balancer allow N times the rate in all.
 */
export function createRateLimiter({ limitsOf }: RateLimitOptions): PrincipalRateLimiter {
  const limiters = new Map<string, BurstyRateLimiter>(); // one per distinct (rate, burst)
  const limiterFor = (ratePerSecond: number, burst: number): BurstyRateLimiter => {
    const key = `${ratePerSecond}/${burst}`;
    let limiter = limiters.get(key);
    if (!limiter) {
      limiter = new BurstyRateLimiter(
        new RateLimiterMemory({ keyPrefix: `rate:${key}`, points: ratePerSecond, duration: 1 }),
        new RateLimiterMemory({ keyPrefix: `burst:${key}`, points: burst, duration: BURST_WINDOW_SECONDS }),
      );
      limiters.set(key, limiter);
    }
    return limiter;
  };
  return {
    async consume(principal, req) {
      const { ratePerSecond, burst } = limitsOf(principal);
      try {
        await limiterFor(ratePerSecond, burst).consume(rateLimitKey(principal, req));
        return undefined;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      }
    },
  };
}

/**
 * The answer to a caller over its rate limit: RATE_LIMITED naming the limit, its value and
 * the seconds until a request is accepted again (`extensions.retryAfter`), for HTTP (with
 * `Retry-After`) and the websocket alike.
 */
export function rateLimitedError({ ratePerSecond, burst }: Pick<OperationLimits, 'ratePerSecond' | 'burst'>, retryAfter: number): GatewayError {
  const message = `Rate limit of ${ratePerSecond} requests per second (and ${burst} more per ${BURST_WINDOW_SECONDS} s) exceeded; retry after ${retryAfter} s.`;
  return new GatewayError(ErrorCode.RATE_LIMITED, message, { extensions: { limit: 'ratePerSecond', max: ratePerSecond, retryAfter } });
}

/**
 * Express middleware, before the body is read: the {@link createRateLimiter} rate limit of
 * the request's principal (spending `limiter`'s buckets, when given, so that another
 * transport shares them). Past it the answer is 429 RATE_LIMITED with `Retry-After`
 * (seconds until a request is accepted again), as GraphQL over HTTP JSON.
 */
export function rateLimit(options: RateLimitOptions & { limiter?: PrincipalRateLimiter }): RequestHandler {
  const { limiter = createRateLimiter(options) } = options;
  return async (req, res, next) => {
    const principal = res.locals.principal as Principal | undefined;
    let retryAfter: number | undefined;
    try {
      retryAfter = await limiter.consume(principal, req);
    } catch (error) {
      return next(error);
    }
    if (retryAfter === undefined) return next();
    const { message, extensions } = rateLimitedError(options.limitsOf(principal), retryAfter);
    res.setHeader('Retry-After', String(retryAfter));
    const { code: _code, ...detail } = extensions;
    sendHttpError(req, res, ErrorCode.RATE_LIMITED, message, detail);
  };
}
