import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler, type Response } from 'express';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import type { Logger } from '../observability/logger';
import type { GatewayMetrics } from '../observability/metrics';
import type { MongoStore } from '../store/mongo-store';
import type { Services } from '../services';
import type { GatewayContext } from '../../resolvers/context';
import { loadSchema } from './load-schema';
import { healthRoutes } from './health-routes';
import { metricsPlugin } from './plugins/metrics-plugin';
import { allowedOperationsPlugin } from './plugins/allowed-operations';
import { maskErrors, logUnexpectedErrorsPlugin } from './plugins/mask-errors';
import { requestLogger } from './request-logger';
import { httpErrorHandler } from './http-error-handler';
import { notFoundHandler } from './not-found-handler';
import { authenticateRequests } from './authenticate-requests';
import type { Authenticator } from '../access/authenticator';
import { requestLimits, type RequestLimitsOptions } from './limits/request-limits';
import type { Principal } from '../access/principal';
import type { Role } from '../access/roles';
import { personalFields } from '../access/personal-fields';
import { purposePlugin } from './plugins/purpose-plugin';
import { accessRecordPlugin } from './plugins/access-record-plugin';
import { settled } from './settled';
import { graphqlWebSocket } from './websocket';
import { webhookRoutes } from './webhook-routes';
import type { WebhookIntake } from '../propagation/webhook-intake';
import { pageRoutes, type PageRoutesOptions } from './page-routes';
import type { OneClickUnsubscribe } from '../preferences/one-click-unsubscribe';
import { unsubscribeRoute } from './unsubscribe-route';
import { observedRequest } from './observed-request';
import type { ObservedRequest } from '../consent/consent-model';

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  services: Services;
  /** Checks every request's credential before its body is read. */
  authenticator: Authenticator;
  store: MongoStore;
  logger: Logger;
  metrics: GatewayMetrics;
  /** Show unexpected errors and stack traces (development only). @default false */
  isDevelopment?: boolean;
  /** How long in-flight requests may run on shutdown before their connections are cut. @default 10000 */
  shutdownTimeoutMs?: number;
  /**
   * After connections are cut, how long the GraphQL work of requests still running may
   * take to settle before `stop` resolves (and the store may close under it). @default 5000
   */
  settleTimeoutMs?: number;
  /** Largest JSON body accepted on /graphql. @default '1mb' */
  bodyLimit?: string;
  /** Roles that must say why they read personal data (`x-purpose` or `@purpose`). @default compliance-officer, data-steward */
  purposeRequiredFor?: readonly Role[];
  /** Limits before execution, the rate limit and the cap on source calls (src/server/limits). @default built-in defaults */
  limits?: RequestLimitsOptions;
  /** Takes in the connected systems' webhooks at `/webhooks/*`. @default none (404) */
  webhooks?: WebhookIntake;
  /** The pages (/console, /preferences) and how the console signs people in. @default not served (404) */
  pages?: PageRoutesOptions;
  /** Answers RFC 8058 one-click unsubscribes at `/preferences/unsubscribe`. @default none (404) */
  unsubscribe?: OneClickUnsubscribe;
}

/** The HTTP app: GraphQL (over HTTP and graphql-ws), health, readiness and metrics on one `http.Server`. */
export interface Gateway {
  readonly httpServer: http.Server;
  /** Listens; rejects with the `listen` error (EADDRINUSE, ...) if it cannot. */
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Marks the process ready for traffic once its dependencies are. */
  setAccepting(accepting: boolean): void;
  /**
   * Closes the websocket endpoint (new connections refused, operations in flight given
   * `shutdownTimeoutMs`, then every connection closed with 1001), then stops accepting, lets in-flight requests finish (up to `shutdownTimeoutMs`, then their
   * connections are cut), closes the server, and resolves once no GraphQL request is
   * still executing (waiting up to `settleTimeoutMs` more for those cut off): after it,
   * closing the store breaks no request.
   */
  stop(): Promise<void>;
}

/** Builds the gateway's HTTP app. Apollo is started here; call `listen` to serve. */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { services, authenticator, store, logger, metrics, isDevelopment = false, purposeRequiredFor = ['compliance-officer', 'data-steward'], shutdownTimeoutMs = 10_000, settleTimeoutMs = 5000, bodyLimit = '1mb' } =
    options;
  const app = express();
  const httpServer = http.createServer(app);
  let accepting = false;
  let cutOff = false; // set once shutdown has cut the connections of requests that were still running
  const executing = new Map<Promise<unknown>, Response>(); // GraphQL executions not settled yet
  const limits = requestLimits(options.limits);
  const { schema, access } = loadSchema();
  const personal = personalFields(schema);
  const formatError = maskErrors({ isDevelopment });

  const apollo = new ApolloServer<GatewayContext>({
    schema,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: shutdownTimeoutMs }),
      metricsPlugin({ metrics }),
      allowedOperationsPlugin(),
      logUnexpectedErrorsPlugin({ isCutOff: () => cutOff }),
      limits.plugin,
      purposePlugin({ personal, requiredFor: new Set(purposeRequiredFor) }),
      accessRecordPlugin({ records: services.accessRecords, personal }),
    ],
    introspection: true, // limits.plugin keeps it to admins where options.limits.adminOnlyIntrospection says so
    formatError,
    includeStacktraceInErrorResponses: isDevelopment,
    persistedQueries: false,
    stopOnTerminationSignals: false, // the process owns shutdown order (src/main.ts)
  });
  await apollo.start();

  /** A request's context, the same over HTTP and the websocket. */
  const contextFor = (principal: Principal, requestId: string, requestLogger: Logger, request: ObservedRequest): GatewayContext => ({
    principal,
    request,
    requestId,
    logger: requestLogger,
    services,
    // Sources none of whose fields the caller may read are never called; the rest at most the role's allowance.
    loaders: services.profiles.createLoaders({
      readable: (field) => access.allows(principal.roles, `Customer.${field}`),
      maxSourceCalls: limits.of(principal).sourceCalls,
    }),
  });
  const graphql = expressMiddleware(apollo, {
    context: async ({ req, res }) => contextFor(res.locals.principal as Principal, res.locals.requestId as string, res.locals.logger as Logger, observedRequest(req)),
  });
  const webSocket = graphqlWebSocket({ httpServer, schema, authenticator, limits, contextFor, personal, purposeRequiredFor: new Set(purposeRequiredFor), records: services.accessRecords, logger, formatError });
  // Each GraphQL execution is tracked until it settles, so that shutdown can wait for it.
  const trackedGraphql: RequestHandler = (req, res, next) => {
    const execution = Promise.resolve(graphql(req, res, next));
    executing.set(execution, res);
    return execution.finally(() => executing.delete(execution));
  };

  app.disable('x-powered-by');
  app.use(requestLogger({ logger }));
  app.use(healthRoutes({ store, metrics, isAccepting: () => accepting }));
  if (options.webhooks) app.use('/webhooks', webhookRoutes(options.webhooks));
  if (options.unsubscribe) app.use('/preferences/unsubscribe', unsubscribeRoute(options.unsubscribe));
  if (options.pages) app.use(pageRoutes(options.pages));
  app.use(
    '/graphql',
    authenticateRequests(authenticator),
    limits.rateLimit, // after authentication: the bucket is the principal's
    express.json({ limit: bodyLimit, type: ['application/json', 'application/graphql-response+json'] }),
    limits.tokenLimit,
    trackedGraphql,
  );
  app.use(notFoundHandler());
  app.use(httpErrorHandler({ bodyLimit }));

  return {
    httpServer,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve(httpServer.address() as AddressInfo);
        });
      }),
    setAccepting: (value) => {
      accepting = value;
    },
    stop: async () => {
      accepting = false;
      await webSocket.close(shutdownTimeoutMs, settleTimeoutMs); // first: Apollo's drain would end its sockets without a close frame
      await services.consent.closeFeed(); // subscriptions ended with their connections; no feed read may outlive the store
      await apollo.stop(); // drains httpServer: stops accepting, waits for in-flight requests, then cuts
      const cut = [...executing.values()].filter((res) => !res.writableEnded).length;
      if (cut > 0) {
        cutOff = true;
        logger.warn({ requests: cut, settleTimeoutMs }, 'shutdown cut the connections of requests still running; waiting for them to settle');
      }
      await settled(executing, settleTimeoutMs);
      await services.accessRecords.drain(); // the records of the last responses, before the store may close
    },
  };
}
