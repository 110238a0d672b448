import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import express, { type Request } from 'express';
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
import { maskErrors, logUnexpectedErrorsPlugin } from './plugins/mask-errors';

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  services: Services;
  store: MongoStore;
  logger: Logger;
  metrics: GatewayMetrics;
  /** Show unexpected errors and stack traces (development only). @default false */
  isDevelopment?: boolean;
  /** How long in-flight requests may run on shutdown before their connections are cut. @default 10000 */
  shutdownTimeoutMs?: number;
  /** Largest JSON body accepted on /graphql. @default '1mb' */
  bodyLimit?: string;
}

/** The HTTP app: GraphQL, health, readiness and metrics on one `http.Server`. */
export interface Gateway {
  readonly httpServer: http.Server;
  /** Listens; rejects with the `listen` error (EADDRINUSE, ...) if it cannot. */
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Marks the process ready for traffic once its dependencies are. */
  setAccepting(accepting: boolean): void;
  /** Stops accepting, lets in-flight requests finish (bounded), and closes the server. */
  stop(): Promise<void>;
}

/** A request id from the caller's `x-request-id` when it is sane, otherwise a new one. */
function requestIdOf(req: Request): string {
  const given = req.get('x-request-id');
  return given && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
}

/** Builds the gateway's HTTP app. Apollo is started here; call `listen` to serve. */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { services, store, logger, metrics, isDevelopment = false, shutdownTimeoutMs = 10_000, bodyLimit = '1mb' } = options;
  const app = express();
  const httpServer = http.createServer(app);
  let accepting = false;

  const apollo = new ApolloServer<GatewayContext>({
    schema: loadSchema(),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: shutdownTimeoutMs }),
      metricsPlugin({ metrics }),
      logUnexpectedErrorsPlugin(),
    ],
    formatError: maskErrors({ isDevelopment }),
    includeStacktraceInErrorResponses: isDevelopment,
    persistedQueries: false,
    stopOnTerminationSignals: false, // the process owns shutdown order (src/main.ts)
  });
  await apollo.start();

  app.disable('x-powered-by');
  app.use((req, res, next) => {
    const requestId = requestIdOf(req);
    const started = process.hrtime.bigint();
    res.locals.requestId = requestId;
    res.locals.logger = logger.child({ requestId });
    res.setHeader('x-request-id', requestId);
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      (res.locals.logger as Logger).info({ method: req.method, path: req.baseUrl + req.path, status: res.statusCode, durationMs }, 'request');
    });
    next();
  });
  app.use(healthRoutes({ store, metrics, isAccepting: () => accepting }));
  app.use(
    '/graphql',
    express.json({ limit: bodyLimit, type: ['application/json', 'application/graphql-response+json'] }),
    expressMiddleware(apollo, {
      context: async ({ res }) => ({
        requestId: res.locals.requestId as string,
        logger: res.locals.logger as Logger,
        services,
        loaders: services.profiles.createLoaders(),
      }),
    }),
  );

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
      await apollo.stop(); // drains httpServer: stops accepting, waits for in-flight requests, then cuts
    },
  };
}
