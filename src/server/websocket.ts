import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLFieldResolver,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { Context, SubscribePayload } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { AccessRecords } from '../access/access-records';
import type { Authenticator } from '../access/authenticator';
import type { Principal } from '../access/principal';
import type { Role } from '../access/roles';
import { errorCatalog, ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';
import { isStoreUnavailable } from '../errors/store-unavailable';
import type { Logger } from '../observability/logger';
import type { GatewayContext } from '../../resolvers/context';
import { tokenLimitError } from './limits/operation-limit-rules';
import type { RequestLimits } from './limits/request-limits';
import { rateLimitedError } from './limits/rate-limit';
import { AccessRecordCollector, type ResolvingField } from './plugins/access-record-collector';
import { unlistedOperationError } from './plugins/allowed-operations';
import { logUnexpectedErrors } from './plugins/mask-errors';
import { operationPurpose } from './plugins/purpose-plugin';
import { settled } from './settled';
import { observedRequest } from './observed-request';
import type { ObservedRequest } from '../consent/consent-model';

/** Options of {@link graphqlWebSocket}. */
export interface GraphqlWebSocketOptions {
  /** The server whose upgrade requests to `path` become graphql-ws connections. */
  httpServer: http.Server;
  /** The guarded schema (`loadSchema().schema`): every field checks the caller's roles. */
  schema: GraphQLSchema;
  /** Checks the `authorization` connection param, as HTTP checks the header. */
  authenticator: Authenticator;
  /** HTTP's limits: the same rate buckets, token count and operation rules. */
  limits: RequestLimits;
  /** The context of one operation, built as HTTP builds a request's (without `purpose`, set here). */
  contextFor(principal: Principal, requestId: string, logger: Logger, request: ObservedRequest): GatewayContext;
  /** The `@personal` fields, `Type.field`. */
  personal: ReadonlySet<string>;
  /** Roles that must say why they read personal data. */
  purposeRequiredFor: ReadonlySet<Role>;
  /** Where each answer that carried personal data leaves its record. */
  records: AccessRecords;
  /** The process's logger; each operation gets a child carrying its request id. */
  logger: Logger;
  /** HTTP's `formatError`: masks unexpected errors. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  /** The path served. @default '/graphql' */
  path?: string;
  /** Largest message accepted, in bytes; a longer one closes the connection with 1009. @default 1048576 (HTTP's 1 MB body limit) */
  maxPayload?: number;
}

/** The graphql-ws endpoint, for shutdown. */
export interface GraphqlWebSocket {
  /**
   * Refuses new connections, lets operations in flight finish for up to `graceMs`, closes
   * every connection with 1001, then waits up to `settleMs` for executions cut off.
   */
  close(graceMs: number, settleMs: number): Promise<void>;
}

/** What an acknowledged connection carries. */
interface ConnectionState {
  /** Operations that passed every check, by subscribe id, until they complete. */
  operations: Map<string, { context: GatewayContext; collector: AccessRecordCollector; operationName: string | null }>;
}

type WsContext = Context<Record<string, unknown> | undefined, Extra & Partial<ConnectionState>>;

/** graphql-ws's close codes for a refused `connection_init` (PROTOCOL.md), and 1013 (RFC 6455: try again later). */
const CLOSE = { unauthorized: 4401, forbidden: 4403, tryAgainLater: 1013, internalError: 1011, goingAway: 1001 } as const;

/**
 * GraphQL over websocket (graphql-ws's `graphql-transport-ws` protocol) on the HTTP
 * server's `/graphql`, with exactly HTTP's access, before any resolver runs:
 *
 * - `connection_init` must carry `{ authorization: "Bearer <credential>" }`, checked by
 *   the same Authenticator: refused with 4401 (4403 for a credential with no gateway
 *   role), the reason saying what to fix and never echoing the credential; 1013 when
 *   the store cannot check it (retry later); checked again at each `subscribe`, as HTTP
 *   checks each request, so a revoked key or an expired token closes the connection;
 * - each `subscribe` spends one request of the principal's rate bucket (shared with
 *   HTTP), then the token limit, parsing, the specified validation rules, the API key's
 *   allowed operations, the operation limits and introspection, and the purpose (the
 *   `x-purpose` connection param or `@purpose`): a refusal is an `error` message with
 *   HTTP's code and message;
 * - execution runs against the guarded schema with a context built as HTTP's, errors
 *   masked by HTTP's `formatError`, and each result that carried personal data (a
 *   query's answer, each event of a subscription) leaves one access record as it is
 *   sent (the same collector as HTTP's plugin, fed by a wrapper around each field's
 *   resolver). A subscription's purpose is checked once, when it starts, and goes
 *   into the record of each of its events.
 */
export function graphqlWebSocket(options: GraphqlWebSocketOptions): GraphqlWebSocket {
  const { httpServer, schema, authenticator, limits, contextFor, personal, purposeRequiredFor, records, logger, formatError, path = '/graphql', maxPayload = 1024 * 1024 } = options;
  const collectors = new WeakMap<GatewayContext, AccessRecordCollector>();
  const observed = observeFields(schema, (context) => collectors.get(context));
  const executing = new Map<Promise<unknown>, true>();
  let cutOff = false;

  /** The error as sent: masked like HTTP's, without the HTTP status Apollo strips. */
  const format = (error: GraphQLError): GraphQLFormattedError => {
    const formatted = formatError(error.toJSON(), error);
    if (!formatted.extensions?.http) return formatted;
    const { http: _http, ...extensions } = formatted.extensions;
    return { ...formatted, extensions };
  };

  /** The checks HTTP makes before execution, in HTTP's order: the execution's arguments, or the refusal. */
  const prepare = async (ctx: WsContext, id: string, { query, operationName, variables: given }: SubscribePayload): Promise<ExecutionArgs | GraphQLError[]> => {
    const state = ctx.extra as Extra & ConnectionState; // set by onConnect: graphql-ws sends no subscribe before it acknowledged
    // Checked again for each operation, as HTTP checks each request: a key revoked or a token expired since connecting stops here.
    let principal: Principal;
    try {
      principal = await authenticator.authenticate(String(ctx.connectionParams?.authorization));
    } catch (error) {
      if (isStoreUnavailable(error)) return [new GatewayError(ErrorCode.STORE_UNAVAILABLE)];
      if (!(error instanceof GatewayError)) throw error;
      refuse(state.socket, error);
      return [error];
    }
    const variables = given ?? undefined;
    const retryAfter = await limits.rateLimiter.consume(principal, { ip: state.request.socket.remoteAddress });
    if (retryAfter !== undefined) return [rateLimitedError(limits.of(principal), retryAfter)];
    const tooLong = tokenLimitError(query, limits.of(principal).tokens);
    if (tooLong) return [tooLong];
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return [new GatewayError(ErrorCode.GRAPHQL_PARSE_FAILED, (error as Error).message)];
    }
    const invalid = validate(schema, document, specifiedRules);
    if (invalid.length > 0) return invalid.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED } }));
    const operation = getOperationAST(document, operationName);
    if (!operation) return [new GatewayError(ErrorCode.OPERATION_RESOLUTION_FAILURE)];
    const name = operation.name?.value ?? null;
    const refused = unlistedOperationError(principal, name) ?? limits.operationLimitError({ schema, document, principal, variables, operationName: name });
    if (refused) return [refused];
    const requestId = randomUUID();
    const context = contextFor(principal, requestId, logger.child({ requestId }), observedRequest(state.request));
    try {
      const stated = ctx.connectionParams?.['x-purpose'];
      context.purpose = operationPurpose({ personal, requiredFor: purposeRequiredFor }, { principal, given: typeof stated === 'string' ? stated : undefined, schema, document, operation });
    } catch (error) {
      if (error instanceof GraphQLError) return [error];
      throw error;
    }
    const collector = new AccessRecordCollector(personal);
    collectors.set(context, collector);
    state.operations.set(id, { context, collector, operationName: name });
    return { schema: observed, document, operationName: operationName ?? undefined, variableValues: variables, contextValue: context };
  };

  // Upgrades are taken from the HTTP server here (not with ws's `server` option, which would pass the HTTP
  // server's own errors, EADDRINUSE included, to graphql-ws, which writes them to stderr).
  const server = new WebSocketServer({ noServer: true, maxPayload });
  const onUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://gateway').pathname !== path) return void socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    server.handleUpgrade(request, socket, head, (client) => server.emit('connection', client, request));
  };
  httpServer.on('upgrade', onUpgrade);
  useServer<Record<string, unknown> | undefined, Partial<ConnectionState>>(
    {
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        try {
          if (typeof authorization !== 'string') {
            ctx.extra.socket.close(CLOSE.unauthorized, 'Send connection_init with payload {"authorization": "Bearer <API key or access token>"}.');
            return false;
          }
          await authenticator.authenticate(authorization); // and again at each subscribe
          ctx.extra.operations = new Map();
          return true;
        } catch (error) {
          if (isStoreUnavailable(error)) {
            ctx.extra.socket.close(CLOSE.tryAgainLater, errorCatalog[ErrorCode.STORE_UNAVAILABLE].message);
          } else if (error instanceof GatewayError) {
            refuse(ctx.extra.socket, error);
          } else {
            logger.error({ err: error }, 'unexpected error authenticating a websocket connection');
            ctx.extra.socket.close(CLOSE.internalError, errorCatalog[ErrorCode.INTERNAL_SERVER_ERROR].message);
          }
          return false;
        }
      },
      onSubscribe: prepare,
      execute: (args) => {
        const execution = Promise.resolve(execute(args));
        executing.set(execution, true);
        void execution.finally(() => executing.delete(execution)).catch(() => undefined);
        return execution;
      },
      onNext: (ctx, id, _payload, args, result) => {
        const operation = ctx.extra.operations?.get(id);
        if (operation) {
          // One record per result sent: a query's one, and each event of a subscription as it goes out
          // (a subscription may stay open for days; its reads are recorded as they happen, not when it ends).
          const record = operation.collector.record(operation.context, operation.operationName);
          if (record) records.record(record);
          operation.collector = new AccessRecordCollector(personal);
          collectors.set(operation.context, operation.collector);
        }
        if (result.errors) logUnexpectedErrors(result.errors, (args.contextValue as GatewayContext).logger, cutOff);
        const { errors, ...rest } = result;
        return { ...rest, ...(errors && { errors: errors.map(format) }) };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map(format),
      onComplete: (ctx, id) => {
        ctx.extra.operations?.delete(id); // its results' records went out with them (onNext)
      },
    },
    server,
  );
  // ws has closed the connection already (1009 for a message over maxPayload, 1002 for a bad frame); graphql-ws
  // would also write the error to stderr with console.error, where only JSON log lines belong.
  server.on('connection', (socket) => {
    socket.removeAllListeners('error');
    socket.on('error', (error) => logger.info({ err: error }, 'websocket connection closed on a protocol error'));
  });

  return {
    close: async (graceMs, settleMs) => {
      const closing = new Map<Promise<unknown>, true>(); // until every client is gone
      httpServer.off('upgrade', onUpgrade); // an upgrade now is an HTTP request, which HTTP refuses or drains
      const closed: Promise<unknown> = new Promise<void>((resolve) => server.close(() => resolve())).then(() => closing.delete(closed));
      closing.set(closed, true);
      await settled(executing, graceMs);
      if (executing.size > 0) {
        cutOff = true;
        logger.warn({ operations: executing.size, settleMs }, 'shutdown closed websocket connections with operations still running; waiting for them to settle');
      }
      for (const client of server.clients) client.close(CLOSE.goingAway, 'The gateway is shutting down; reconnect.');
      await Promise.all([settled(closing, settleMs), settled(executing, settleMs)]);
    },
  };
}

/** Closes a connection whose credential HTTP would refuse: 4403 for one that grants no role, 4401 otherwise, the message as the reason. */
function refuse(socket: Extra['socket'], error: GatewayError): void {
  socket.close(error.code === ErrorCode.FORBIDDEN ? CLOSE.forbidden : CLOSE.unauthorized, closeReason(error.message));
}

/** A close reason within the 123 bytes a close frame allows (RFC 6455, section 5.5). */
function closeReason(message: string): string {
  if (Buffer.byteLength(message) <= 123) return message;
  let cut = message;
  while (Buffer.byteLength(`${cut}...`) > 123) cut = cut.slice(0, -1);
  return `${cut}...`;
}

/**
 * The schema with each field's resolver wrapped to tell the operation's access-record
 * collector (found from the context) about the field and its outcome, as Apollo's
 * `willResolveField` does for HTTP. The guarded resolvers run unchanged inside.
 */
function observeFields(schema: GraphQLSchema, collectorOf: (context: GatewayContext) => AccessRecordCollector | undefined): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (config) => {
      const resolve = (config.resolve ?? defaultFieldResolver) as GraphQLFieldResolver<unknown, GatewayContext>;
      return {
        ...config,
        resolve: (source: unknown, args: ResolvingField['args'], context: GatewayContext, info: ResolvingField['info']) => {
          const done = collectorOf(context)?.willResolveField({ source, args, info });
          if (!done) return resolve(source, args, context, info);
          let result: unknown;
          try {
            result = resolve(source, args, context, info);
          } catch (error) {
            done(error, undefined);
            throw error;
          }
          const settledResult = Array.isArray(result) && result.some((item) => item instanceof Promise) ? Promise.all(result) : result;
          if (settledResult instanceof Promise) settledResult.then((value) => done(null, value), (error) => done(error, undefined));
          else done(null, settledResult);
          return result;
        },
      };
    },
  });
}
