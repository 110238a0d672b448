import { composeServices, type ComposedServices } from '../../src/compose-services';
import type { MongoStore } from '../../src/store/mongo-store';
import { startTestGateway, type RunningGateway } from './gateway';

/** A gateway with the real services (identity graph, consent store) and a few customers, each one CRM record `r-<name>` with `<name>@example.com`. */
export interface GatewayWithCustomers<Name extends string> {
  composed: ComposedServices;
  gateway: RunningGateway;
  /** Each name's customer id. */
  ids: Record<Name, string>;
}

/** Starts a gateway over `store` with composed services and links one customer per name. */
export async function startGatewayWithCustomers<Name extends string>(store: MongoStore, names: readonly Name[]): Promise<GatewayWithCustomers<Name>> {
  const composed = composeServices({ store, adapters: [] });
  const gateway = await startTestGateway(store, composed.services);
  const ids = {} as Record<Name, string>;
  for (const name of names) {
    const [outcome] = await composed.customers.resolver.resolveRecords([
      { system: 'crm', recordId: `r-${name}`, updatedAt: new Date(), fields: { emails: [`${name}@example.com`] }, consentFlags: [], crossReferences: [] },
    ]);
    ids[name] = outcome!.customerId;
  }
  return { composed, gateway, ids };
}
