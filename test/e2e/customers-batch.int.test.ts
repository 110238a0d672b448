import { createAdapters } from '../../src/adapters/create-adapters';
import type { SourceAdapter } from '../../src/adapters/source-adapter';
import { systemsConfigFromDescriptors } from '../../src/adapters/systems-config-from-descriptors';
import { runBackfill } from '../../src/identity/backfill';
import { createCustomerServices } from '../../src/profile/create-customer-services';
import { SystemsService } from '../../src/systems/systems-service';
import { defaultRoleLimits } from '../../src/server/limits/operation-limits';
import type { RunningSimulators } from '../../simulators/start-simulators';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { openTestStore } from '../harness/store';
import { startTestSimulators } from '../harness/simulators';

/**
 * `customers(ids:)` at its documented maximum of 1,000 ids, over the three simulators
 * with the default time budgets: it answers every profile, and it hurts nobody (no open
 * circuit, no degraded source, another caller's read is not held up behind it).
 */

interface BatchCustomer {
  id: string;
  sources: { system: string; status: string; error: string | null }[];
}

describe('a full customers(ids:) batch over the simulators', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let simulators: RunningSimulators;
  let adapters: SourceAdapter[];
  let gateway: RunningGateway;
  let ids: string[];

  beforeAll(async () => {
    store = await openTestStore();
    simulators = await startTestSimulators({ size: 1150, seed: 10 });
    adapters = createAdapters(systemsConfigFromDescriptors(simulators.descriptors));
    // The default budgets (1,500 ms per source call).
    const customers = createCustomerServices({ store, adapters });
    await runBackfill({ graph: customers.graph, resolver: customers.resolver, adapters, pageSize: 1000 });
    const redirected = new Set((await customers.graph.redirects.find({}).toArray()).map((r) => r._id));
    ids = (await customers.graph.customers.find({}).sort({ _id: 1 }).toArray()).map((c) => c._id).filter((id) => !redirected.has(id)).slice(0, 1000);
    gateway = await startTestGateway(
      store,
      {
        systems: new SystemsService(adapters),
        profiles: customers.profiles,
        identity: customers.identity,
        customerSearch: customers.customerSearch,
      },
      // Batches of 1,000 are what internal apps read: their built-in limits (cost, source calls), for every caller here.
      { limits: { defaults: defaultRoleLimits['internal-app'] } },
    );
  }, 180_000);
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all((adapters ?? []).map((adapter) => adapter.close()));
    await simulators?.stop();
    await store?.dropAndClose();
  });

  it('answers all 1,000 profiles, every source OK, with every circuit still closed and every source healthy', async () => {
    expect(ids).toHaveLength(1000);
    const { data, errors } = await gateway.graphql<{ customers: BatchCustomer[] }>(
      'query($ids: [ID!]!) { customers(ids: $ids) { id sources { system status error } } }',
      { ids },
    );
    expect(errors).toBeUndefined();
    expect(data!.customers).toHaveLength(1000);
    const failed = data!.customers.flatMap((customer) => customer.sources.filter((source) => source.status !== 'OK'));
    expect(failed).toEqual([]);
    // Mailchimp alone took some 700 calls through its 10 connections: the wait was ours, not a vendor failure.
    expect(simulators.mailchimp.requestCount('member.get')).toBeGreaterThan(500);
    const systems = await gateway.graphql<{ systems: { name: string; health: { status: string; circuit: string } }[] }>(
      '{ systems { name health { status circuit } } }',
    );
    expect(systems.data!.systems.map((system) => [system.name, system.health.circuit, system.health.status])).toEqual([
      ['salesforce', 'CLOSED', 'HEALTHY'],
      ['mailchimp', 'CLOSED', 'HEALTHY'],
      ['identity', 'CLOSED', 'HEALTHY'],
    ]);
  });

  it("does not hold up another caller's single profile behind a full batch", async () => {
    // Latency on every source, so the batch's Mailchimp queue takes seconds: 700 calls, 10 at a time, 40 ms each.
    for (const simulator of [simulators.salesforce, simulators.mailchimp, simulators.identity]) simulator.setFaults({ latencyMs: 40 });
    try {
      const started = Date.now();
      const batch = gateway.graphql<{ customers: BatchCustomer[] }>('query($ids: [ID!]!) { customers(ids: $ids) { id sources { system status } } }', {
        ids,
      });
      await new Promise((resolve) => setTimeout(resolve, 300)); // the batch's calls are queued by now
      const single = Date.now();
      const one = await gateway.graphql<{ customer: BatchCustomer }>('query($id: ID!) { customer(by: { id: $id }) { id sources { system status } } }', {
        id: ids[999],
      });
      const singleMs = Date.now() - single;
      const { data } = await batch;
      const batchMs = Date.now() - started;
      expect(one.data!.customer.sources.every((source) => source.status === 'OK')).toBe(true);
      expect(data!.customers.every((customer) => customer.sources.every((source) => source.status === 'OK'))).toBe(true);
      // Served in turn with the batch's calls, not after them (the batch takes several times longer).
      expect(singleMs).toBeLessThan(batchMs / 2);
    } finally {
      for (const simulator of [simulators.salesforce, simulators.mailchimp, simulators.identity]) simulator.setFaults({});
    }
  });
});
