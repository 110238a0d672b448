import { createAdapters } from '../../src/adapters/create-adapters';
import type { SourceAdapter } from '../../src/adapters/source-adapter';
import { systemsConfigFromDescriptors } from '../../src/adapters/systems-config-from-descriptors';
import { runBackfill } from '../../src/identity/backfill';
import { createCustomerServices, type CustomerServices } from '../../src/profile/create-customer-services';
import { SystemsService } from '../../src/systems/systems-service';
import type { RunningSimulators } from '../../simulators/start-simulators';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { openTestStore } from '../harness/store';
import { startTestSimulators } from '../harness/simulators';

/**
 * The cap on source calls one request may cause: past it the HTTP client refuses the
 * call unsent, the answer says which source was not called and why (SOURCE_UNAVAILABLE,
 * reason CALL_LIMIT), the rest of the answer still arrives, and the source is not held
 * to blame (its circuit stays closed, its health HEALTHY).
 */
describe('the cap on source calls per request', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let simulators: RunningSimulators;
  let adapters: SourceAdapter[];
  let customers: CustomerServices;
  let uncapped: RunningGateway;
  let capped: RunningGateway;
  let ids: string[];
  const all = () => [simulators.salesforce, simulators.mailchimp, simulators.identity];
  // Calls for data; a Salesforce OAuth token is fetched once per adapter and not a request's doing.
  const dataCalls = () => all().reduce((sum, simulator) => sum + simulator.requestCount() - simulator.requestCount('token'), 0);
  const batch = 'query ($ids: [ID!]!) { customers(ids: $ids) { id engagement { subscriptionStatus } sources { system status error } } }';

  beforeAll(async () => {
    store = await openTestStore();
    simulators = await startTestSimulators();
    adapters = createAdapters(systemsConfigFromDescriptors(simulators.descriptors));
    customers = createCustomerServices({ store, adapters });
    await runBackfill({ graph: customers.graph, resolver: customers.resolver, adapters, pageSize: 200 });
    ids = (await customers.graph.customers.find({}).sort({ _id: 1 }).limit(10).toArray()).map((customer) => customer._id);
    const services = { systems: new SystemsService(adapters), profiles: customers.profiles, identity: customers.identity, customerSearch: customers.customerSearch };
    uncapped = await startTestGateway(store, services);
    capped = await startTestGateway(store, services, { limits: { defaults: { sourceCalls: 3 }, byRole: {} } });
  }, 60_000);
  afterAll(async () => {
    await capped?.stop();
    await uncapped?.stop();
    await Promise.all((adapters ?? []).map((adapter) => adapter.close()));
    await simulators?.stop();
    await store?.dropAndClose();
  });

  it('refuses calls past a cap of 3, names the cap, answers what the calls made brought, and blames no source', async () => {
    all().forEach((simulator) => simulator.resetCounters());
    expect((await uncapped.graphql(batch, { ids })).errors).toBeUndefined();
    expect(dataCalls()).toBeGreaterThan(3); // uncapped, one Mailchimp call per member

    all().forEach((simulator) => simulator.resetCounters());
    const { data, errors } = await capped.graphql<{ customers: { id: string; sources: { system: string; status: string; error: string | null }[] }[] }>(batch, { ids });
    expect(dataCalls()).toBe(3);
    expect(data!.customers.map((customer) => customer.id)).toEqual(ids);
    const refused = errors!.filter((error) => error.extensions?.reason === 'CALL_LIMIT');
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(error.extensions?.code).toBe('SOURCE_UNAVAILABLE');
      expect(error.message).toMatch(/was not called: this request has made as many source calls as one request may \(at most 3 source calls per request\)/);
    }
    const statuses = new Set(data!.customers.flatMap((customer) => customer.sources.map((source) => source.status)));
    expect(statuses).toEqual(new Set(['OK', 'ERROR']));

    // A refused call was never sent: not the source's failure, so no open circuit and no degraded health.
    const systems = await capped.graphql<{ systems: { health: { status: string; circuit: string } }[] }>('{ systems { health { status circuit } } }');
    expect(systems.data!.systems.map((system) => [system.health.circuit, system.health.status])).toEqual([
      ['CLOSED', 'HEALTHY'],
      ['CLOSED', 'HEALTHY'],
      ['CLOSED', 'HEALTHY'],
    ]);
  });

  it('spends the allowance on lookups too: an unknown email with no calls left reaches no source', async () => {
    const none = await startTestGateway(store, { profiles: customers.profiles, identity: customers.identity }, { limits: { defaults: { sourceCalls: 0 }, byRole: {} } });
    try {
      all().forEach((simulator) => simulator.resetCounters());
      const { data, errors } = await none.graphql('{ customer(by: {email: "nobody-known@example.com"}) { id } }');
      expect(dataCalls()).toBe(0);
      expect(data).toEqual({ customer: null });
      expect(errors).toHaveLength(1);
      expect(errors![0]!.extensions).toMatchObject({ code: 'SOURCE_UNAVAILABLE', reason: 'CALL_LIMIT', systems: ['identity', 'mailchimp', 'salesforce'] });
    } finally {
      await none.stop();
    }
  });
});
