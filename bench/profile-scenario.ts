import { createAdapters } from '../src/adapters/create-adapters';
import { systemsConfigFromDescriptors } from '../src/adapters/systems-config-from-descriptors';
import { runBackfill } from '../src/identity/backfill';
import { createLogger } from '../src/observability/logger';
import { GatewayMetrics } from '../src/observability/metrics';
import { createCustomerServices } from '../src/profile/create-customer-services';
import { parseMergeConfig } from '../src/profile/merge-config';
import { createGateway } from '../src/server/create-gateway';
import { defaultRoleLimits } from '../src/server/limits/operation-limits';
import { SystemsService } from '../src/systems/systems-service';
import { ConsentService } from '../src/consent/consent-service';
import type { MongoStore } from '../src/store/mongo-store';
import { createAccess } from '../src/access/create-access';
import { generatePopulation } from '../simulators/population/generate-population';
import { startMailchimpSimulator } from '../simulators/mailchimp/mailchimp-simulator';
import { startSalesforceSimulator } from '../simulators/salesforce/salesforce-simulator';
import { startScimSimulator } from '../simulators/scim/scim-simulator';
import { startDynamicsSimulator } from '../simulators/dynamics/dynamics-simulator';
import { dynamicsPopulation } from '../simulators/dynamics/dynamics-population';
import { startEloquaSimulator } from '../simulators/eloqua/eloqua-simulator';
import { eloquaPopulation } from '../simulators/eloqua/eloqua-population';
import { startSapCdcSimulator } from '../simulators/sapcdc/sapcdc-simulator';
import { sapcdcPopulation } from '../simulators/sapcdc/sapcdc-population';
import { fmt } from './measure';
import { measureAccessCost } from './access-cost';
import { PropagationHistory } from '../src/propagation/propagation-history';
import { FieldScanResults } from '../src/systems-map/field-scan-results';
import { PreferenceLinkIssuer } from '../src/preferences/preference-link-issuer';
import { defaultConsentVocabulary } from '../src/consent/consent-vocabulary';
import { PropagationService } from '../src/propagation/propagation-service';
import { DeliveryLedger } from '../src/propagation/delivery-ledger';

/** Options of {@link runProfileScenario}. */
export interface ProfileScenarioOptions {
  /** A store on a database of its own (the graph is kept between runs). */
  store: MongoStore;
  /** People in the synthetic population. @default 1000 */
  people?: number;
  /** Requests per second, sent on a fixed schedule whatever the answers do (open loop). @default 20 */
  ratePerSecond?: number;
  /** Requests sent. @default 300 */
  requests?: number;
  /** Where progress and results go. @default stdout */
  print?: (line: string) => void;
  /** The store's commands since the last reset (wire `store`'s onCommand to {@link StoreCommandTally.record}). */
  storeCommands?: StoreCommandTally;
}

/** Counts and times the commands a store served: the driver's own timing of each. */
export class StoreCommandTally {
  commands = 0;
  ms = 0;
  readonly record = (_command: string, durationMs: number): void => {
    this.commands++;
    this.ms += durationMs;
  };
  reset(): void {
    this.commands = 0;
    this.ms = 0;
  }
}

/** The latency each simulated source adds (ms), so the profile's cost is dominated by the sources. */
const injected = { salesforce: { latencyMs: 40, jitterMs: 20 }, mailchimp: { latencyMs: 25, jitterMs: 15 }, identity: { latencyMs: 30, jitterMs: 30 }, dynamics: { latencyMs: 35, jitterMs: 25 },
  eloqua: { latencyMs: 30, jitterMs: 20 }, sapcdc: { latencyMs: 30, jitterMs: 20 } };

function percentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/**
 * The profile scenario: `customer(by: {id})` over GraphQL against the three simulators
 * with injected latency, at a fixed arrival rate. Prints p50/p99 divided by the slowest
 * source's p99 in the same run (1.0 would mean the gateway adds nothing to the slowest
 * source it waits for), the upstream calls of one `customers(ids)` batch of 100
 * divided by the fewest each vendor allows (1.0 is ideal), and the time of a full batch of
 * 1,000 ids, without injected latency, against the sum of the times of each source's
 * minimum calls for the same records made alone (below 1.0: the sources ran side by side).
 * With a command tally, it also prints the store's share of one profile read: commands
 * and their time per request, beside the request's own time.
 */
export async function runProfileScenario(options: ProfileScenarioOptions): Promise<void> {
  const { store, people = 1000, ratePerSecond = 20, requests = 300, print = (line) => process.stdout.write(`${line}\n`) } = options;
  const population = generatePopulation({ size: people, seed: 42 });
  const [salesforce, mailchimp, scim, dynamics, eloqua, sapcdc] = await Promise.all([
    startSalesforceSimulator({
      contacts: population.salesforceContacts,
      opportunities: population.salesforceOpportunities,
      opportunityContactRoles: population.salesforceOpportunityContactRoles,
    }),
    startMailchimpSimulator({ members: population.mailchimpMembers, listId: population.mailchimpListId }),
    startScimSimulator({ users: population.scimUsers }),
    startDynamicsSimulator({ contacts: dynamicsPopulation(population).contacts }),
    startEloquaSimulator({ contacts: eloquaPopulation(population).contacts, groupSubscriptions: eloquaPopulation(population).groupSubscriptions }),
    startSapCdcSimulator({ accounts: sapcdcPopulation(population).accounts }),
  ]);
  const simulators = [salesforce, mailchimp, scim, dynamics, eloqua, sapcdc];
  const adapters = createAdapters(systemsConfigFromDescriptors(simulators.map((simulator) => simulator.descriptor)));
  try {
    await store.ensureIndexes();
    const services = createCustomerServices({
      store,
      adapters,
      profile: { mergeConfig: parseMergeConfig(), budgets: { defaultBudgetMs: 2000, budgetsMs: {} } },
    });
    const meta = store.db.collection<{ _id: string; people: number }>('bench_meta');
    // The graph's systems are in its key: a graph built before a system was added is rebuilt.
    const graphKey = `profile-graph-v2:${simulators.map((simulator) => simulator.descriptor.name).join(',')}`;
    if ((await meta.findOne({ _id: graphKey }))?.people !== people) {
      await store.db.dropDatabase(); // another population, an older layout, or half built: start over
      await store.ensureIndexes();
      const started = Date.now();
      const report = await runBackfill({ graph: services.graph, resolver: services.resolver, adapters });
      print(`profile: graph built from ${report.systems.reduce((sum, s) => sum + s.records, 0)} records in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      await meta.updateOne({ _id: graphKey }, { $set: { people } }, { upsert: true });
    } else {
      print('profile: reusing the identity graph of a previous run');
    }
    const redirected = new Set((await services.graph.redirects.find({}, { projection: { _id: 1 } }).toArray()).map((r) => r._id));
    const ids = (await services.graph.customers.find({}, { projection: { _id: 1 } }).toArray()).map((c) => c._id).filter((id) => !redirected.has(id));

    const access = createAccess(store);
    const { key } = await access.apiKeys.create({ name: 'bench', role: 'admin', createdBy: 'bench' });
    const gatewayServices = {
      systems: new SystemsService(adapters),
      consent: new ConsentService({ store, directory: services.directory, connectedSystems: () => [] }),
      profiles: services.profiles,
      identity: services.identity,
      customerSearch: services.customerSearch,
      accessRecords: access.accessRecords,
      directory: services.directory,
      propagation: new PropagationService(new DeliveryLedger(store), store, async (id) => [id]),
      propagationHistory: new PropagationHistory(store),
      fieldMatrix: new FieldScanResults(store),
      preferenceLinks: new PreferenceLinkIssuer({ links: access.preferenceLinks, directory: services.directory, purposes: defaultConsentVocabulary.purposes, publicUrl: () => 'http://127.0.0.1' }),
    };
    const gateway = await createGateway({
      authenticator: access.authenticator,
      services: gatewayServices,
      store,
      logger: createLogger({ level: 'silent' }),
      metrics: new GatewayMetrics(),
      // One client sends everything here, as an internal app would (1,000-id batches), at rates the limit must not shape.
      limits: { defaults: { ...defaultRoleLimits['internal-app'], ratePerSecond: 1_000_000 } },
    });
    const { port } = await gateway.listen(0, '127.0.0.1');
    gateway.setAccepting(true);
    const post = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    };
    try {
      salesforce.setFaults(injected.salesforce);
      mailchimp.setFaults(injected.mailchimp);
      scim.setFaults(injected.identity);
      dynamics.setFaults(injected.dynamics);
      eloqua.setFaults(injected.eloqua);
      sapcdc.setFaults(injected.sapcdc);

      // Open loop: request i leaves at i / rate seconds, whether or not earlier ones have answered.
      const latencies: number[] = [];
      const sourceLatencies = new Map<string, number[]>();
      let errors = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: requests }, async (_, i) => {
          const due = started + (i * 1000) / ratePerSecond;
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
          const sent = performance.now();
          const body = await post('query($id: ID!) { customer(by: { id: $id }) { id name { full } emails phones sources { system status latencyMs } } }', {
            id: ids[(i * 7919) % ids.length],
          });
          latencies.push(performance.now() - sent);
          const customer = body.data?.customer as { sources: { system: string; status: string; latencyMs: number }[] } | undefined;
          if (body.errors || !customer) errors++;
          for (const source of customer?.sources ?? []) sourceLatencies.set(source.system, [...(sourceLatencies.get(source.system) ?? []), source.latencyMs]);
        }),
      );
      const slowest = Math.max(...[...sourceLatencies.values()].map((samples) => percentile(samples, 0.99)));
      const p50 = percentile(latencies, 0.5);
      const p99 = percentile(latencies, 0.99);
      print(`profile: ${requests} customer(by: id) at ${ratePerSecond}/s over ${simulators.length} sources with injected latency, ${errors} errors`);
      for (const [system, samples] of sourceLatencies) print(`  source ${system.padEnd(11)} p50 ${fmt(percentile(samples, 0.5))} ms  p99 ${fmt(percentile(samples, 0.99))} ms`);
      print(`  customer           p50 ${fmt(p50)} ms  p99 ${fmt(p99)} ms`);
      print(`  ratio to the slowest source's p99 (${slowest.toFixed(1)} ms): p50 ${(p50 / slowest).toFixed(2)}  p99 ${(p99 / slowest).toFixed(2)}`);

      if (options.storeCommands) {
        // The store's part of a profile read: one request at a time, no injected latency, every store command timed by the driver.
        simulators.forEach((simulator) => simulator.setFaults({}));
        const tally = options.storeCommands;
        const reads = 200;
        const walls: number[] = [];
        tally.reset();
        for (let i = 0; i < reads; i++) {
          const sent = performance.now();
          await post('query($id: ID!) { customer(by: { id: $id }) { id name { full } emails phones sources { system status } } }', { id: ids[(i * 104_729) % ids.length] });
          walls.push(performance.now() - sent);
        }
        print(
          `  store per customer(by: id), ${reads} sequential, no injected latency: ${(tally.commands / reads).toFixed(1)} commands, ${fmt(tally.ms / reads, 2)} ms of store time; request p50 ${fmt(percentile(walls, 0.5), 2)} ms`,
        );
        salesforce.setFaults(injected.salesforce);
        mailchimp.setFaults(injected.mailchimp);
        scim.setFaults(injected.identity);
        dynamics.setFaults(injected.dynamics);
        eloqua.setFaults(injected.eloqua);
        sapcdc.setFaults(injected.sapcdc);
      }

      // What access control and the access record add to a profile read.
      const injectLatency = () => {
        salesforce.setFaults(injected.salesforce);
        mailchimp.setFaults(injected.mailchimp);
        scim.setFaults(injected.identity);
        dynamics.setFaults(injected.dynamics);
        eloqua.setFaults(injected.eloqua);
        sapcdc.setFaults(injected.sapcdc);
      };
      simulators.forEach((simulator) => simulator.setFaults({}));
      await measureAccessCost({
        services: gatewayServices,
        access,
        ids,
        print,
        withSourceLatency: { on: injectLatency, off: () => simulators.forEach((simulator) => simulator.setFaults({})) },
      });
      injectLatency();

      // Upstream calls for one batch of 100 customers, against the fewest each vendor allows.
      const batch = ids.slice(0, 100);
      const recordsOf = async (customers: string[]) => {
        const links = [...(await services.graph.linksOfCustomers(customers)).values()].flat();
        return (system: string) => [...new Set(links.filter((link) => link.system === system).map((link) => link.recordId))];
      };
      const batchRecords = await recordsOf(batch);
      // Each vendor's real minimum: Salesforce 10,000 ids a Composite call, SCIM 50 ids a filtered list, Mailchimp one member a call, Dynamics 500 ids an In filter, Eloqua two calls a contact (the contact, its group subscriptions), SAP CDC 1,000 UIDs a search.
      const minimum = adapters.map((adapter) => ({ system: adapter.name, calls: adapter.minimumReadCalls(batchRecords(adapter.name).length) }));
      const ideal = minimum.reduce((sum, part) => sum + part.calls, 0);
      simulators.forEach((simulator) => simulator.resetCounters());
      await post('query($ids: [ID!]!) { customers(ids: $ids) { id sources { system status } } }', { ids: batch });
      const callsOf = simulators.map((simulator) => simulator.requestCount() - simulator.requestCount('token') - simulator.requestCount('id'));
      const calls = callsOf.reduce((sum, count) => sum + count, 0);
      print(
        `  customers(100 ids): ${calls} upstream calls, ideal ${ideal} (${minimum.map((part) => `${part.system} ${part.calls}`).join(', ')}); ratio ${(calls / ideal).toFixed(2)}`,
      );
      print(`  per system, calls beside the ideal: ${minimum.map((part, index) => `${part.system} ${callsOf[index]} / ${part.calls} (${batchRecords(part.system).length} records)`).join(', ')}`);

      // A full batch at the documented maximum, no injected latency: its time against each source's minimum calls made alone.
      simulators.forEach((simulator) => simulator.setFaults({}));
      const full = ids.slice(0, 1000);
      const fullRecords = await recordsOf(full);
      const fullQuery = 'query($ids: [ID!]!) { customers(ids: $ids) { id sources { system status } } }';
      await post(fullQuery, { ids: full }); // warm-up: caches and JIT, as the per-source runs below get
      const perSource: { system: string; calls: number; ms: number }[] = [];
      for (const [index, adapter] of adapters.entries()) {
        const simulator = simulators[index]!;
        simulator.resetCounters();
        const sent = performance.now();
        await adapter.fetchByIds(fullRecords(adapter.name));
        perSource.push({ system: adapter.name, ms: performance.now() - sent, calls: simulator.requestCount() - simulator.requestCount('token') - simulator.requestCount('id') });
      }
      simulators.forEach((simulator) => simulator.resetCounters());
      const sent = performance.now();
      const answer = await post(fullQuery, { ids: full });
      const fullMs = performance.now() - sent;
      const fullCalls = simulators.reduce((sum, simulator) => sum + simulator.requestCount() - simulator.requestCount('token') - simulator.requestCount('id'), 0);
      const customers = (answer.data?.customers ?? []) as { sources: { status: string }[] }[];
      const incomplete = customers.filter((customer) => customer.sources.some((source) => source.status !== 'OK')).length;
      const sum = perSource.reduce((total, part) => total + part.ms, 0);
      print(
        `  customers(${full.length} ids), no injected latency: ${fmt(fullMs)} ms, ${fullCalls} upstream calls, ${incomplete} incomplete profiles, ${answer.errors?.length ?? 0} errors`,
      );
      print(
        `  its per-source minimum calls made alone: ${perSource.map((part) => `${part.system} ${part.calls} call(s) ${part.ms.toFixed(0)} ms`).join(', ')}; sum ${sum.toFixed(0)} ms; ratio ${(fullMs / sum).toFixed(2)}`,
      );
    } finally {
      await gateway.stop();
    }
  } finally {
    await Promise.all(adapters.map((adapter) => adapter.close()));
    await Promise.all(simulators.map((simulator) => simulator.stop()));
  }
}
