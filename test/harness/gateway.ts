import { createGateway, type Gateway, type GatewayOptions } from '../../src/server/create-gateway';
import { createLogger } from '../../src/observability/logger';
import { GatewayMetrics } from '../../src/observability/metrics';
import { SystemsService } from '../../src/systems/systems-service';
import { ConsentService } from '../../src/consent/consent-service';
import { acceptAnyCustomer } from '../../src/identity/customer-directory';
import { createCustomerServices } from '../../src/profile/create-customer-services';
import type { Services } from '../../src/services';
import type { MongoStore } from '../../src/store/mongo-store';

/** A gateway listening on a free loopback port, for end-to-end tests over real HTTP. */
export interface RunningGateway {
  gateway: Gateway;
  metrics: GatewayMetrics;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** POSTs a GraphQL request and returns the parsed body. */
  graphql<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: GraphQLErrorBody[] }>;
  stop(): Promise<void>;
}

/** One error of a GraphQL response body. */
export interface GraphQLErrorBody {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** Starts a gateway over the given store with the given services (defaults: no systems) and options (limits, ...). */
export async function startTestGateway(
  store: MongoStore,
  services: Partial<Services> = {},
  options: Partial<Omit<GatewayOptions, 'services' | 'store' | 'metrics'>> = {},
): Promise<RunningGateway> {
  const metrics = new GatewayMetrics();
  const customers = createCustomerServices({ store, adapters: [] });
  const gateway = await createGateway({
    services: {
      systems: new SystemsService([]),
      profiles: customers.profiles,
      identity: customers.identity,
      customerSearch: customers.customerSearch,
      consent: new ConsentService({ store, directory: acceptAnyCustomer, connectedSystems: () => [] }),
      ...services,
    },
    store,
    logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    metrics,
    shutdownTimeoutMs: 2000,
    ...options,
  });
  const { port } = await gateway.listen(0, '127.0.0.1');
  gateway.setAccepting(true);
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    gateway,
    metrics,
    baseUrl,
    graphql: async (query, variables) => {
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as never;
    },
    stop: () => gateway.stop(),
  };
}
