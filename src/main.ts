import path from 'node:path';
import { loadConfig, ConfigError, type Config } from './config';
import { createAccess } from './access/create-access';
import { writeDemoCredentials } from './access/demo-credentials';
import type { OidcSettings } from './access/oidc-verifier';
import { createLogger, type Logger } from './observability/logger';
import { logProcessWarnings } from './observability/log-process-warnings';
import { GatewayMetrics } from './observability/metrics';
import { embeddedStoreDir } from './store/command-store';
import { MongoStore } from './store/mongo-store';
import { startEmbeddedFerretdb, freeLoopbackPort, type EmbeddedFerretdb } from './store/embedded-ferretdb';
import { createGateway } from './server/create-gateway';
import { loadSystemsConfig } from './adapters/systems-config';
import { systemsConfigFromDescriptors } from './adapters/systems-config-from-descriptors';
import { createAdapters } from './adapters/create-adapters';
import { loadIdentityConfig } from './identity/identity-config';
import { loadProfileConfig } from './profile/profile-config';
import { loadLimitsConfig } from './server/limits/limits-config';
import { startConsentSweeper } from './consent/consent-sweeper';
import { composeServices } from './compose-services';
import { startEmbeddedSimulators } from './embedded-simulators';
import { loadDemoData } from './demo-data';
import type { AddressInfo } from 'node:net';
import { newWebhookSecrets, registerWebhooks } from '../simulators/register-webhooks';
import { DEMO_AUDIENCE, DEMO_CONSOLE_CLIENT_ID, DEMO_SCOPE, startDemoOpenIdProvider } from '../simulators/openid-provider/demo-openid-provider';
import type { ConsoleSignIn } from './server/page-routes';
import { webDistDir } from './server/web-dist';

/** Exit codes: 2 is a configuration the process cannot run with; 1 any other failure to start. */
const EXIT_BAD_CONFIG = 2;
const EXIT_CANNOT_START = 1;

/** Every setting, validated before anything starts; a bad one exits 2 with one line. */
function loadSettings() {
  try {
    return {
      config: loadConfig(),
      systems: loadSystemsConfig(),
      identity: loadIdentityConfig(),
      profile: loadProfileConfig(),
      limits: loadLimitsConfig(),
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(EXIT_BAD_CONFIG);
  }
}

/**
 * The composition root. Order matters: settings first (exit 2 on a bad one); the
 * embedded simulators when no SYSTEMS are configured; then take the HTTP port (so a
 * second start fails fast, before touching the embedded store's data); then start the
 * embedded store if no MONGODB_URI is given, create indexes; in the embedded demo load
 * its data (identity graph, imported consents); then report ready.
 */
async function main(): Promise<void> {
  const settings = loadSettings();
  const { config } = settings;
  const logger = createLogger({ level: config.LOG_LEVEL });
  const metrics = new GatewayMetrics();

  const simulators = settings.systems
    ? undefined
    : await startEmbeddedSimulators({ population: config.POPULATION, seed: config.SEED, systems: config.DEMO_SYSTEMS });
  const adapters = createAdapters(settings.systems ?? systemsConfigFromDescriptors(simulators!.descriptors), { metrics, logger });

  // The embedded demo's simulators get fresh webhook secrets, registered once the gateway listens.
  const webhookSecrets = simulators ? newWebhookSecrets(simulators.descriptors) : config.WEBHOOK_SECRETS;
  const embeddedPort = config.MONGODB_URI ? undefined : await freeLoopbackPort();
  const store = new MongoStore({
    uri: config.MONGODB_URI ?? `mongodb://127.0.0.1:${embeddedPort}/`,
    dbName: config.MONGODB_DB,
    onCommand: (command, durationMs, ok) =>
      metrics.storeDuration.observe({ command, outcome: ok ? 'ok' : 'error' }, durationMs / 1000),
  });
  let listeningPort = config.PORT; // PORT=0 picks a free one: links use the port actually taken
  const { services, customers, consent, propagation, fieldScanner, unsubscribe } = composeServices({
    store,
    adapters,
    identity: settings.identity,
    profile: settings.profile,
    propagation: {
      logger,
      metrics,
      retry: config.PROPAGATION_RETRY,
      concurrency: config.PROPAGATION_CONCURRENCY,
      leaseMs: config.PROPAGATION_LEASE_MS,
      pollIntervalMs: config.POLL_INTERVAL_MS,
      sampleEveryMs: config.PROPAGATION_SAMPLE_MS,
      webhookSecrets,
    },
    consentFeed: { pollMs: config.CONSENT_FEED_POLL_MS, settleMs: config.CONSENT_FEED_SETTLE_MS, logger },
    fieldScan: { intervalMs: config.FIELD_SCAN_INTERVAL_MS, sampleSize: config.FIELD_SCAN_SAMPLE, logger },
    publicUrl: () => config.PUBLIC_URL ?? `http://localhost:${listeningPort}`,
  });
  // The embedded demo signs people in at its own OpenID provider unless one is configured.
  const demoProvider = simulators && !config.OIDC_ISSUER ? await startDemoOpenIdProvider() : undefined;
  const access = createAccess(store, { oidc: demoProvider ? { issuer: demoProvider.issuer, audience: DEMO_AUDIENCE } : oidcSettings(config), logger });
  const gateway = await createGateway({
    services: { ...services, accessRecords: access.accessRecords },
    authenticator: access.authenticator,
    store,
    logger,
    metrics,
    isDevelopment: config.NODE_ENV === 'development',
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    limits: { ...settings.limits, adminOnlyIntrospection: config.NODE_ENV === 'production' },
    webhooks: propagation.intake,
    pages: { distDir: webDistDir, signIn: demoProvider ? { issuer: demoProvider.issuer, clientId: DEMO_CONSOLE_CLIENT_ID, scope: DEMO_SCOPE, resource: DEMO_AUDIENCE } : consoleSignIn(config) },
    unsubscribe,
  });

  try {
    const address = await gateway.listen(config.PORT, config.HOST);
    listeningPort = address.port;
    logger.info({ port: address.port, host: address.address }, `gateway listening on http://${config.HOST}:${address.port}/graphql`);
    logger.info(`agent console on http://${config.HOST}:${address.port}/console${demoProvider ? ' (sign in as one of the demo people)' : ''}`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EADDRINUSE' ? 'is already in use (is another gateway running?)' : `cannot be used (${code})`;
    process.stderr.write(`Cannot start: port ${config.PORT} on ${config.HOST} ${reason}; set PORT to a free port.\n`);
    await simulators?.stop();
    await demoProvider?.stop();
    process.exit(EXIT_CANNOT_START);
  }
  if (simulators) {
    for (const descriptor of simulators.descriptors) {
      logger.info({ system: descriptor.name, baseUrl: descriptor.baseUrl }, 'embedded simulator started');
    }
    await registerWebhooks(simulators.descriptors, `http://127.0.0.1:${(gateway.httpServer.address() as AddressInfo).port}`, webhookSecrets);
  }

  let embedded: EmbeddedFerretdb | undefined;
  const background: { sweeper?: { stop(): Promise<void> } } = {}; // started once the store is ready
  const backfill = new AbortController();
  let stopping = false;
  /**
   * SIGTERM or SIGINT: exit 0 once everything is stopped, in this order: requests first
   * (in-flight ones finish within SHUTDOWN_TIMEOUT_MS, and `gateway.stop` resolves only
   * once none is executing), then what requests use, the store last but one and its
   * embedded server last. `npm start` execs node, so a signal to npm's pid is forwarded
   * here; a terminal's Ctrl-C may then arrive twice, hence the `stopping` guard.
   */
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    backfill.abort();
    try {
      await gateway.stop();
      await propagation.stop(); // deliveries in flight finish (each within its call budget)
      await fieldScanner.stop(); // a scan in flight gives up at its next step (its source calls have their budgets)
      await background.sweeper?.stop();
      await consent.drain();
      await Promise.all(adapters.map((adapter) => adapter.close()));
      await simulators?.stop();
      await demoProvider?.stop();
      await store.close();
      await embedded?.stop();
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed; exiting');
      process.exit(1);
    }
    logger.info('stopped');
    process.exit(0);
  };
  logProcessWarnings(logger);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void shutdown(signal));

  if (embeddedPort !== undefined) {
    embedded = await startEmbeddedFerretdb({
      dataDir: embeddedStoreDir(config.DATA_DIR),
      port: embeddedPort,
      log: (line) => logger.info(line),
    });
    logger.info({ port: embedded.port }, 'embedded FerretDB started');
  }
  await prepareStore(store, logger, () => stopping);
  if (stopping) return;
  background.sweeper = startConsentSweeper({ sweep: () => consent.sweep(), logger });
  if (simulators) {
    // The embedded demo is ready only once its people are searchable, merged and their
    // consents imported; a failure is logged and the gateway serves what it has.
    try {
      await loadDemoData({ graph: customers.graph, resolver: customers.resolver, consent, adapters, logger, signal: backfill.signal });
    } catch (error) {
      if (!stopping) logger.error({ err: error }, 'loading the demo data failed; it resumes at the next start');
    }
  }
  if (stopping) return;
  if (simulators) {
    const file = path.resolve(config.DATA_DIR, 'demo-credentials.json');
    const someone = await customers.graph.customers.findOne({}, { projection: { _id: 1 } });
    await writeDemoCredentials(access, file, someone?._id ?? null);
    logger.info({ file }, 'demo credentials written (an API key per role, a preference link for the customer role)');
  }
  propagation.start();
  fieldScanner.start();
  gateway.setAccepting(true);
  logger.info({ secondsSinceStart: Math.round(process.uptime()) }, 'ready');
}

/** People's access tokens are accepted when an issuer is configured. */
function oidcSettings(config: Config): OidcSettings | undefined {
  if (!config.OIDC_ISSUER || !config.OIDC_AUDIENCE) return undefined;
  return {
    issuer: config.OIDC_ISSUER,
    audience: config.OIDC_AUDIENCE,
    jwksUrl: config.OIDC_JWKS_URL,
    rolesClaim: config.OIDC_ROLES_CLAIM,
    clockToleranceSeconds: config.OIDC_CLOCK_SKEW_SECONDS,
  };
}

/** The console signs people in at the configured provider when it names the console's client. */
function consoleSignIn(config: Config): ConsoleSignIn | undefined {
  if (!config.OIDC_ISSUER || !config.OIDC_CONSOLE_CLIENT_ID) return undefined;
  return { issuer: config.OIDC_ISSUER, clientId: config.OIDC_CONSOLE_CLIENT_ID, scope: config.OIDC_CONSOLE_SCOPE, resource: config.OIDC_CONSOLE_RESOURCE };
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
