import { createAdapters } from '../../src/adapters/create-adapters';
import type { SourceAdapter } from '../../src/adapters/source-adapter';
import { systemsConfigFromDescriptors } from '../../src/adapters/systems-config-from-descriptors';
import { createCustomerServices } from '../../src/profile/create-customer-services';
import type { RunningSimulator } from '../../simulators/simulator';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { openTestStore } from '../harness/store';
import { startTestMailchimp, startTestSalesforce, startTestScim, testPopulation } from '../harness/simulators';

const LOOKUP = 'query($email: String!) { customer(by: { email: $email }) { id sourceRecords { system } } }';

describe('a lookup while sources fail says so instead of answering "no such customer"', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let salesforce: RunningSimulator;
  let mailchimp: RunningSimulator;
  let scim: RunningSimulator;
  let adapters: SourceAdapter[];
  let gateway: RunningGateway;
  /** People whose records only Salesforce and Mailchimp hold (the identity system has none). */
  const people = testPopulation().people.filter(
    (person) => person.records.some((record) => record.system === 'salesforce') && person.records.every((record) => record.system !== 'identity'),
  );

  beforeAll(async () => {
    store = await openTestStore();
    [salesforce, mailchimp, scim] = await Promise.all([startTestSalesforce(), startTestMailchimp(), startTestScim()]);
    adapters = createAdapters(systemsConfigFromDescriptors([salesforce, mailchimp, scim].map((simulator) => simulator.descriptor)));
    const customers = createCustomerServices({ store, adapters });
    gateway = await startTestGateway(store, { profiles: customers.profiles, identity: customers.identity, customerSearch: customers.customerSearch });
  });
  afterEach(() => [salesforce, mailchimp, scim].forEach((simulator) => simulator.setFaults({})));
  afterAll(async () => {
    await gateway.stop();
    await Promise.all(adapters.map((adapter) => adapter.close()));
    await Promise.all([salesforce, mailchimp, scim].map((simulator) => simulator.stop()));
    await store.dropAndClose();
  });

  it('with Salesforce failing and Mailchimp hanging, a person not yet in the graph is SOURCE_UNAVAILABLE naming both, not null', async () => {
    salesforce.setFaults({ errorRate: 1 });
    mailchimp.setFaults({ hang: true });
    const { data, errors } = await gateway.graphql<{ customer: unknown }>(LOOKUP, { email: people[0]!.emails[0]! });
    expect(data?.customer ?? null).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors![0]!.extensions).toMatchObject({ code: 'SOURCE_UNAVAILABLE', system: 'mailchimp', systems: ['mailchimp', 'salesforce'] });
    expect(errors![0]!.message).toMatch(/mailchimp.*salesforce/);
    expect(errors![0]!.message).not.toContain(people[0]!.emails[0]!);
  });

  it('when the sources answer again, the same person is found', async () => {
    const { data, errors } = await gateway.graphql<{ customer: { id: string } | null }>(LOOKUP, { email: people[0]!.emails[0]! });
    expect(errors).toBeUndefined();
    expect(data!.customer).not.toBeNull();
  });

  it('null without an error means every source answered and none holds the key', async () => {
    const { data, errors } = await gateway.graphql<{ customer: unknown }>(LOOKUP, { email: 'nobody.at.all@example.invalid' });
    expect(errors).toBeUndefined();
    expect(data!.customer).toBeNull();
  });

  it('a person one source holds is answered while another source fails', async () => {
    mailchimp.setFaults({ errorRate: 1 });
    const { data, errors } = await gateway.graphql<{ customer: { sourceRecords: { system: string }[] } | null }>(LOOKUP, { email: people[1]!.emails[0]! });
    expect(errors).toBeUndefined();
    expect(data!.customer!.sourceRecords.map((record) => record.system)).toContain('salesforce');
  });
});
