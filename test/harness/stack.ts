import { createAdapters } from '../../src/adapters/create-adapters';
import type { SourceAdapter } from '../../src/adapters/source-adapter';
import { systemsConfigFromDescriptors } from '../../src/adapters/systems-config-from-descriptors';
import { composeServices, type ComposedServices, type ComposeServicesOptions } from '../../src/compose-services';
import { newWebhookSecrets, registerWebhooks } from '../../simulators/register-webhooks';
import { loadDemoData } from '../../src/demo-data';
import { createLogger } from '../../src/observability/logger';
import type { Logger } from '../../src/observability/logger';
import type { RunningSimulator, SimulatorDescriptor } from '../../simulators/simulator';
import type { ScimSimulatorOptions } from '../../simulators/scim/scim-simulator';
import { startTestGateway, type RunningGateway } from './gateway';
import { openTestStore } from './store';
import type { RequestLimitsOptions } from '../../src/server/limits/request-limits';
import type { ProfileConfig } from '../../src/profile/profile-config';
import { startTestDynamics, startTestMailchimp, startTestSalesforce, startTestScim } from './simulators';
import { startTestEloqua, startTestSapCdc } from './simulators';

/** Options of {@link startTestStack}. */
export interface TestStackOptions {
  /** Options of the identity system's simulator. @default {} */
  scim?: Partial<ScimSimulatorOptions>;
  /** What the gateway is told of each simulator (e.g. a wrong credential). @default as the simulators describe themselves */
  describe?: (descriptor: SimulatorDescriptor) => SimulatorDescriptor;
  /** The gateway's logger. @default the harness's silent one */
  logger?: Logger;
  /** The gateway's limits. @default the gateway's */
  limits?: RequestLimitsOptions;
  /**
   * Propagation: webhooks registered with every simulator and the delivery worker and
   * change poller running (with these settings). @default off: outbox rows stay PENDING
   */
  propagation?: Omit<NonNullable<ComposeServicesOptions['propagation']>, 'webhookSecrets'>;
  /** Day one, as the embedded demo does it: every record linked and every consent flag imported (the baseline changes are told from). @default false */
  dayOne?: boolean;
  /** A fourth system, the Dynamics 365 simulator, after the three (as `DEMO_SYSTEMS=all` connects it). @default false */
  dynamics?: boolean;
  /** One more system after those, the Oracle Eloqua simulator (as `DEMO_SYSTEMS=all` connects it). @default false */
  eloqua?: boolean;
  /** A further system, the SAP Customer Data Cloud simulator, after the others (as `DEMO_SYSTEMS=all` connects it). @default false */
  sapcdc?: boolean;
  /** Merge rules and source budgets. @default the profile defaults (1,500 ms per source call) */
  profile?: ProfileConfig;
}

/** A store, the three vendor simulators, the composed services over them and a gateway, started and stopped together. */
export interface TestStack {
  store: Awaited<ReturnType<typeof openTestStore>>;
  /** Salesforce, Mailchimp, SCIM, in that order (then Dynamics 365 with `dynamics`). */
  simulators: RunningSimulator[];
  adapters: SourceAdapter[];
  composed: ComposedServices;
  gateway: RunningGateway;
  /** Per system, the webhook secrets the gateway accepts (empty without `propagation`). */
  webhookSecrets: Record<string, string[]>;
  stop(): Promise<void>;
}

/** Starts the whole stack over the test population (call in beforeAll, `stop` in afterAll). */
export async function startTestStack({ scim = {}, describe = (descriptor) => descriptor, logger, limits, propagation, dayOne = false, dynamics = false, eloqua = false, sapcdc = false, profile }: TestStackOptions = {}): Promise<TestStack> {
  const store = await openTestStore();
  const simulators: RunningSimulator[] = await Promise.all([startTestSalesforce(), startTestMailchimp(), startTestScim(scim), ...(dynamics ? [startTestDynamics()] : []),
    ...(eloqua ? [startTestEloqua()] : []), ...(sapcdc ? [startTestSapCdc()] : [])]);
  const descriptors = simulators.map((simulator) => describe(simulator.descriptor));
  const adapters = createAdapters(systemsConfigFromDescriptors(descriptors));
  const webhookSecrets = propagation ? newWebhookSecrets(descriptors) : {};
  let baseUrl = ''; // the gateway's, once it listens: preference links read it when they are made
  const composed = composeServices({ store, adapters, profile, propagation: { ...propagation, webhookSecrets }, publicUrl: () => baseUrl });
  const gateway = await startTestGateway(store, composed.services, { logger, limits, webhooks: composed.propagation.intake, unsubscribe: composed.unsubscribe });
  baseUrl = gateway.baseUrl;
  if (dayOne) {
    const { graph, resolver } = composed.customers;
    await loadDemoData({ graph, resolver, consent: composed.consent, adapters, logger: logger ?? createLogger({ level: 'silent' }), signal: new AbortController().signal });
  }
  if (propagation) {
    await registerWebhooks(descriptors, gateway.baseUrl, webhookSecrets);
    composed.propagation.start();
  }
  return {
    store,
    simulators,
    adapters,
    composed,
    gateway,
    webhookSecrets,
    stop: async () => {
      await gateway.stop();
      await composed.propagation.stop();
      await composed.fieldScanner.stop();
      await Promise.all(adapters.map((adapter) => adapter.close()));
      await Promise.all(simulators.map((simulator) => simulator.stop()));
      await store.dropAndClose();
    },
  };
}
