import { createGateway, type Gateway, type GatewayOptions } from '../../src/server/create-gateway';
import { createAccess, type Access } from '../../src/access/create-access';
import type { OidcSettings } from '../../src/access/oidc-verifier';
import type { Role } from '../../src/access/roles';
import { createLogger } from '../../src/observability/logger';
import { GatewayMetrics } from '../../src/observability/metrics';
import { SystemsService } from '../../src/systems/systems-service';
import { ConsentService } from '../../src/consent/consent-service';
import { acceptAnyCustomer } from '../../src/identity/customer-directory';
import { createCustomerServices } from '../../src/profile/create-customer-services';
import type { Services } from '../../src/services';
import { PropagationService } from '../../src/propagation/propagation-service';
import { DeliveryLedger } from '../../src/propagation/delivery-ledger';
import type { MongoStore } from '../../src/store/mongo-store';
import { PropagationHistory } from '../../src/propagation/propagation-history';
import { FieldScanResults } from '../../src/systems-map/field-scan-results';
import { PreferenceLinkIssuer } from '../../src/preferences/preference-link-issuer';
import { OneClickUnsubscribe } from '../../src/preferences/one-click-unsubscribe';

/** A gateway listening on a free loopback port, for end-to-end tests over real HTTP. */
export interface RunningGateway {
  gateway: Gateway;
  metrics: GatewayMetrics;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** API keys and preference links of this gateway's store. */
  access: Access;
  /** An admin's API key, which {@link graphql} sends. */
  adminKey: string;
  /** An API key of `role` (made once per role). */
  keyFor(role: Role): Promise<string>;
  /** `fetch` of a path on the gateway (or a full URL), as an admin unless the init sets its own Authorization. */
  fetch(pathOrUrl: string, init?: RequestInit): Promise<Response>;
  /** POSTs a GraphQL request as an admin and returns the parsed body. */
  graphql<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: GraphQLErrorBody[] }>;
  /** POSTs a GraphQL request with `Authorization: Bearer <credential>` (an API key of that role is made once when a role is given). */
  graphqlAs<T = unknown>(who: Role | { credential: string }, query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: GraphQLErrorBody[] }>;
  /** The principal id (`key:<keyId>`) of the API key {@link graphqlAs} sends for `role`: what the gateway records as the actor. */
  principalIdOf(role: Role): Promise<string>;
  stop(): Promise<void>;
}

/** One error of a GraphQL response body. */
export interface GraphQLErrorBody {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/**
 * Starts a gateway over the given store with the given services (defaults: no systems)
 * and options (limits, ...). Requests authenticate as every client does: the harness
 * creates API keys in the store (an admin's for {@link RunningGateway.graphql}); `oidc`
 * makes it accept people's tokens; `logger` replaces the silent one.
 */
export async function startTestGateway(
  store: MongoStore,
  services: Partial<Omit<Services, 'accessRecords'>> = {},
  options: Partial<Omit<GatewayOptions, 'services' | 'store' | 'metrics' | 'authenticator'>> & { oidc?: OidcSettings } = {},
): Promise<RunningGateway> {
  const { oidc, logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), ...gatewayOptions } = options;
  const metrics = new GatewayMetrics();
  const access = createAccess(store, { oidc, logger });
  const keys = new Map<Role, Promise<string>>();
  const keyOf = (role: Role) => {
    if (!keys.has(role)) keys.set(role, access.apiKeys.create({ name: `test ${role}`, role, createdBy: 'test harness' }).then(({ key }) => key));
    return keys.get(role)!;
  };
  const adminKey = await keyOf('admin');
  const customers = createCustomerServices({ store, adapters: [] });
  const consent = services.consent ?? new ConsentService({ store, directory: acceptAnyCustomer, connectedSystems: () => [] });
  let baseUrl = ''; // known once listening; links read it when they are made
  const gateway = await createGateway({
    authenticator: access.authenticator,
    services: {
      systems: new SystemsService([]),
      profiles: customers.profiles,
      identity: customers.identity,
      customerSearch: customers.customerSearch,
      directory: customers.directory,
      consent,
      propagation: new PropagationService(new DeliveryLedger(store), store, async (id) => [id]),
      propagationHistory: new PropagationHistory(store),
      fieldMatrix: new FieldScanResults(store),
      preferenceLinks: new PreferenceLinkIssuer({
        links: access.preferenceLinks,
        directory: services.directory ?? customers.directory,
        purposes: consent.vocabulary.purposes,
        publicUrl: () => baseUrl,
      }),
      accessRecords: access.accessRecords,
      ...services,
    },
    store,
    logger,
    metrics,
    shutdownTimeoutMs: 2000,
    unsubscribe: new OneClickUnsubscribe({ links: access.preferenceLinks, consent }),
    ...gatewayOptions,
  });
  const { port } = await gateway.listen(0, '127.0.0.1');
  gateway.setAccepting(true);
  baseUrl = `http://127.0.0.1:${port}`;
  const post = async (credential: string, query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${credential}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as never;
  };
  return {
    gateway,
    metrics,
    baseUrl,
    access,
    adminKey,
    keyFor: keyOf,
    fetch: (pathOrUrl, init = {}) => {
      const headers = new Headers(init.headers);
      if (!headers.has('authorization')) headers.set('authorization', `Bearer ${adminKey}`);
      return fetch(pathOrUrl.startsWith('/') ? `${baseUrl}${pathOrUrl}` : pathOrUrl, { ...init, headers });
    },
    graphql: (query, variables) => post(adminKey, query, variables),
    graphqlAs: async (who, query, variables) => post(typeof who === 'string' ? await keyOf(who) : who.credential, query, variables),
    principalIdOf: async (role) => `key:${/^cpgk_([a-z0-9]+)_/.exec(await keyOf(role))![1]}`,
    stop: () => gateway.stop(),
  };
}
