import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Principal } from '../../access/principal';
import { errorCatalog, ErrorCode } from '../../errors/error-codes';
import type { GatewayContext } from '../../../resolvers/context';
import { sendHttpError } from '../send-http-error';
import { checkOperationLimits, tokenLimitError } from './operation-limit-rules';
import { defaultOperationLimits, defaultRoleLimits, limitsForPrincipal, type OperationLimits, type RoleLimits } from './operation-limits';
import { createRateLimiter, rateLimit, type PrincipalRateLimiter } from './rate-limit';

/** Options of {@link requestLimits}. */
export interface RequestLimitsOptions {
  /** Limits of a caller none of whose roles is in `byRole`, over the built-in defaults. @default defaultOperationLimits */
  defaults?: Partial<OperationLimits>;
  /** Per role, over `defaults` (a principal gets each limit's most generous value among its roles). @default defaultRoleLimits */
  byRole?: RoleLimits;
  /** Only principals with the admin role may introspect. @default true when NODE_ENV is production (Apollo Server's own default) */
  adminOnlyIntrospection?: boolean;
}

/** An operation to check, and who sent it. */
export interface OperationCheck {
  schema: GraphQLSchema;
  document: DocumentNode;
  principal: Principal | undefined;
  variables?: Record<string, unknown>;
  operationName?: string | null;
}

/** The gateway's limits, as the pieces create-gateway wires in. */
export interface RequestLimits {
  /** The limits of a principal (defaults without one). */
  of(principal: Principal | undefined): OperationLimits;
  /** The per-principal buckets `rateLimit` spends; the websocket spends the same ones, per subscribe message. */
  rateLimiter: PrincipalRateLimiter;
  /**
   * Depth, aliases, directives, cost, list sizes and introspection of a parsed and
   * validated operation, for the principal: the first refusal (LIMIT_EXCEEDED or
   * FORBIDDEN), or undefined when it may run. The plugin and the websocket both call it.
   */
  operationLimitError(check: OperationCheck): GraphQLError | undefined;
  /** Express middleware, first on /graphql: the per-principal rate limit (429 RATE_LIMITED with Retry-After). */
  rateLimit: RequestHandler;
  /** Express middleware, after the body is parsed: the token limit, before the GraphQL server parses the document. */
  tokenLimit: RequestHandler;
  /** Apollo plugin: depth, aliases, directives, cost, list sizes and introspection, after validation and before execution. */
  plugin: ApolloServerPlugin<GatewayContext>;
}

/**
 * Limits before execution, on every request: the rate limit and the token count at the
 * HTTP layer, the rest once the operation is parsed and validated and before anything
 * runs (no resolver, no source call). A refused operation is answered as GraphQL over
 * HTTP with LIMIT_EXCEEDED (400), RATE_LIMITED (429) or FORBIDDEN (403, introspection),
 * and a message naming the limit and its value. The cap on source calls is applied while
 * the request runs, by the allowance its loaders carry (`of(principal).sourceCalls`).
 *
 * The websocket (src/server/websocket.ts) applies the same limits with the same pieces:
 * `rateLimiter` per subscribe message, `tokenLimitError` on its query with `of(principal).tokens`,
 * and `operationLimitError` once the operation is parsed and validated.
 */
export function requestLimits(options: RequestLimitsOptions = {}): RequestLimits {
  const settings = { defaults: { ...defaultOperationLimits, ...options.defaults }, byRole: options.byRole ?? defaultRoleLimits };
  const byRoles = new Map<string, OperationLimits>(); // a principal's roles -> its limits
  const of = (principal: Principal | undefined): OperationLimits => {
    const key = [...(principal?.roles ?? [])].sort().join(',');
    let limits = byRoles.get(key);
    if (!limits) byRoles.set(key, (limits = limitsForPrincipal(principal, settings)));
    return limits;
  };
  const { adminOnlyIntrospection = process.env.NODE_ENV === 'production' } = options;
  const mayIntrospect = (principal: Principal | undefined) => !adminOnlyIntrospection || (principal?.roles.includes('admin') ?? false);

  const tokenLimit: RequestHandler = (req, res, next) => {
    const body = req.body as { query?: unknown } | undefined;
    const query = typeof body?.query === 'string' ? body.query : req.query.query;
    const error = typeof query === 'string' ? tokenLimitError(query, of(res.locals.principal as Principal | undefined).tokens) : undefined;
    if (error) return sendHttpError(req, res, ErrorCode.LIMIT_EXCEEDED, error.message, { limit: 'tokens', max: error.extensions.max });
    next();
  };

  const operationLimitError = ({ schema, document, principal, variables, operationName }: OperationCheck): GraphQLError | undefined =>
    checkOperationLimits({ schema, document, limits: of(principal), variables, operationName: operationName ?? undefined, introspection: mayIntrospect(principal) })[0];

  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operationName, contextValue }) {
          const error = operationLimitError({ schema, document, principal: contextValue.principal, variables: request.variables, operationName });
          if (error) throw withHttpStatus(error);
        },
      };
    },
  };

  const rateLimiter = createRateLimiter({ limitsOf: of });
  return { of, rateLimiter, operationLimitError, rateLimit: rateLimit({ limitsOf: of, limiter: rateLimiter }), tokenLimit, plugin };
}

/** The error with the status its code has in the catalogue, for Apollo to answer with (it strips `extensions.http`). */
function withHttpStatus(error: GraphQLError): GraphQLError {
  const status = errorCatalog[error.extensions.code as ErrorCode].httpStatus;
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status } } });
}
