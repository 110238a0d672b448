import { createAdapters } from '../../src/adapters/create-adapters';
import type { SourceAdapter } from '../../src/adapters/source-adapter';
import { systemsConfigFromDescriptors } from '../../src/adapters/systems-config-from-descriptors';
import { SystemsService } from '../../src/systems/systems-service';
import type { RunningSimulator } from '../../simulators/simulator';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { startTestMailchimp, startTestSalesforce, startTestScim, testPopulation } from '../harness/simulators';
import { openTestStore } from '../harness/store';

const SYSTEMS_QUERY = /* GraphQL */ `
  query Systems {
    systems {
      name
      dialect
      baseUrl
      fields
      health { status circuit lastError recentLatencyMs apiUsage { used limit } }
    }
  }
`;

interface SystemsAnswer {
  systems: {
    name: string;
    dialect: string;
    baseUrl: string;
    fields: string[];
    health: { status: string; circuit: string; lastError: string | null; recentLatencyMs: number | null; apiUsage: { used: number; limit: number } | null };
  }[];
}

describe('systems query over the three simulators', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let simulators: RunningSimulator[];
  let adapters: SourceAdapter[];
  let running: RunningGateway;

  beforeAll(async () => {
    store = await openTestStore();
    simulators = await Promise.all([startTestSalesforce(), startTestMailchimp(), startTestScim()]);
    const config = systemsConfigFromDescriptors(simulators.map((simulator) => simulator.descriptor)).map((system) =>
      // The ESP gets a quick breaker so the test can open it.
      system.dialect === 'mailchimp' ? { ...system, options: { ...system.options, retry: { maxRetries: 0 }, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } } } : system,
    );
    adapters = createAdapters(config);
    running = await startTestGateway(store, { systems: new SystemsService(adapters) });
  });
  afterAll(async () => {
    await running.stop();
    await Promise.all(adapters.map((adapter) => adapter.close()));
    await Promise.all(simulators.map((simulator) => simulator.stop()));
    await store.dropAndClose();
  });

  it('lists the three simulators HEALTHY with their dialect and base URL, and no secret', async () => {
    const population = testPopulation();
    const [crm, esp, idp] = adapters;
    await crm!.fetchByIds([population.salesforceContacts[0]!.Id]);
    await esp!.fetchByIds([population.mailchimpMembers[0]!.id]);
    await idp!.fetchByIds([population.scimUsers[0]!.id]);

    const { data, errors } = await running.graphql<SystemsAnswer>(SYSTEMS_QUERY);
    expect(errors).toBeUndefined();
    expect(data!.systems.map(({ name, dialect, baseUrl, health }) => ({ name, dialect, baseUrl, status: health.status, circuit: health.circuit }))).toEqual([
      { name: 'salesforce', dialect: 'salesforce', baseUrl: simulators[0]!.descriptor.baseUrl, status: 'HEALTHY', circuit: 'CLOSED' },
      { name: 'mailchimp', dialect: 'mailchimp', baseUrl: simulators[1]!.descriptor.baseUrl, status: 'HEALTHY', circuit: 'CLOSED' },
      { name: 'identity', dialect: 'scim', baseUrl: simulators[2]!.descriptor.baseUrl, status: 'HEALTHY', circuit: 'CLOSED' },
    ]);
    for (const system of data!.systems) {
      expect(system.health.recentLatencyMs).toBeGreaterThan(0);
      expect(system.fields).toEqual(expect.arrayContaining(['givenName', 'emails']));
    }
    expect(data!.systems[0]!.health.apiUsage).toEqual({ used: expect.any(Number), limit: 15000 });
    const secrets = simulators.flatMap((simulator) => Object.values(simulator.descriptor.credentials)).filter((value) => value.length > 12);
    for (const secret of secrets) expect(JSON.stringify(data)).not.toContain(secret);
  });

  it('shows a failing system UNAVAILABLE with its circuit OPEN while the others stay HEALTHY', async () => {
    const esp = adapters[1]!;
    simulators[1]!.setFaults({ errorRate: 1 });
    const id = testPopulation().mailchimpMembers[0]!.id;
    await expect(esp.fetchByIds([id])).rejects.toMatchObject({ extensions: { code: 'SOURCE_UNAVAILABLE' } });
    await expect(esp.fetchByIds([id])).rejects.toMatchObject({ extensions: { code: 'SOURCE_UNAVAILABLE' } });
    simulators[1]!.setFaults({});

    const { data } = await running.graphql<SystemsAnswer>(SYSTEMS_QUERY);
    expect(data!.systems.map((system) => [system.name, system.health.status, system.health.circuit])).toEqual([
      ['salesforce', 'HEALTHY', 'CLOSED'],
      ['mailchimp', 'UNAVAILABLE', 'OPEN'],
      ['identity', 'HEALTHY', 'CLOSED'],
    ]);
    expect(data!.systems[1]!.health.lastError).toBe('UNAVAILABLE HTTP 503 Service Unavailable');
  });
});
