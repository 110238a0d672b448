import path from 'node:path';
import { loadConfig, ConfigError, type Config } from './config';
import { createLogger, type Logger } from './observability/logger';
import { GatewayMetrics } from './observability/metrics';
import { MongoStore } from './store/mongo-store';
import { startEmbeddedFerretdb, freeLoopbackPort, type EmbeddedFerretdb } from './store/embedded-ferretdb';
import { createGateway } from './server/create-gateway';
import { SystemsService } from './systems/systems-service';

/** Exit codes: 2 is a configuration the process cannot run with; 1 any other failure to start. */
const EXIT_BAD_CONFIG = 2;
const EXIT_CANNOT_START = 1;

/**
 * The composition root. Order matters: take the port first (so a second start fails
 * fast, before touching the embedded store's data), then start the embedded store
 * if no MONGODB_URI is given, then create indexes, and only then report ready.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_BAD_CONFIG);
  }
  const logger = createLogger({ level: config.LOG_LEVEL });
  const metrics = new GatewayMetrics();

  const embeddedPort = config.MONGODB_URI ? undefined : await freeLoopbackPort();
  const store = new MongoStore({
    uri: config.MONGODB_URI ?? `mongodb://127.0.0.1:${embeddedPort}/`,
    dbName: config.MONGODB_DB,
    onCommand: (command, durationMs, ok) =>
      metrics.storeDuration.observe({ command, outcome: ok ? 'ok' : 'error' }, durationMs / 1000),
  });
  const services = { systems: new SystemsService([]) };
  const gateway = await createGateway({
    services,
    store,
    logger,
    metrics,
    isDevelopment: config.NODE_ENV === 'development',
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  });

  try {
    const address = await gateway.listen(config.PORT, config.HOST);
    logger.info({ port: address.port, host: address.address }, `gateway listening on http://${config.HOST}:${address.port}/graphql`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? 'is already in use (is another gateway running?)' : `cannot be used (${code})`;
    process.stderr.write(`Cannot start: port ${config.PORT} on ${config.HOST} ${reason}; set PORT to a free port.\n`);
    process.exit(EXIT_CANNOT_START);
  }

  let embedded: EmbeddedFerretdb | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    await gateway.stop();
    await store.close();
    await embedded?.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  if (embeddedPort !== undefined) {
    embedded = await startEmbeddedFerretdb({
      dataDir: path.join(config.DATA_DIR, 'ferretdb'),
      port: embeddedPort,
      log: (line) => logger.info(line),
    });
    logger.info({ port: embedded.port }, 'embedded FerretDB started');
  }
  await prepareStore(store, logger, () => stopping);
  if (!stopping) {
    gateway.setAccepting(true);
    logger.info('ready');
  }
}

/** Creates the indexes, retrying while the store does not answer; /readyz stays red meanwhile. */
async function prepareStore(store: MongoStore, logger: Logger, isStopping: () => boolean): Promise<void> {
  for (let attempt = 1; !isStopping(); attempt++) {
    try {
      await store.ensureIndexes();
      return;
    } catch (error) {
      logger.warn({ err: error, attempt }, 'store not ready; retrying in 1 s');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(EXIT_CANNOT_START);
});
