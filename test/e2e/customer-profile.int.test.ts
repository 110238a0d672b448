import { createAdapters } from '../../src/adapters/create-adapters';
import type { SourceAdapter } from '../../src/adapters/source-adapter';
import { systemsConfigFromDescriptors } from '../../src/adapters/systems-config-from-descriptors';
import { runBackfill } from '../../src/identity/backfill';
import { createCustomerServices, type CustomerServices } from '../../src/profile/create-customer-services';
import { parseMergeConfig } from '../../src/profile/merge-config';
import type { RunningSimulator } from '../../simulators/simulator';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { openTestStore } from '../harness/store';
import { MAILCHIMP_AUDIENCE_NAME, MAILCHIMP_INTERESTS } from '../../simulators/population/reference-data';
import { startTestMailchimp, startTestSalesforce, startTestScim, testPopulation } from '../harness/simulators';

const PROFILE = `
  id
  name { given family full }
  emails phones birthDate locale
  crm { accountName tier }
  engagement { subscriptionStatus lists }
  identity { username active }
  sourceRecords { system recordId updatedAt }
  provenance { field system recordId updatedAt rule }
  conflicts { field values { system recordId value updatedAt } winner { system recordId } reason }
  sources { system status latencyMs error }
`;

interface Profile {
  id: string;
  phones: string[];
  crm: { accountName: string | null } | null;
  engagement: { subscriptionStatus: string | null } | null;
  identity: { username: string | null } | null;
  sourceRecords: { system: string; recordId: string }[];
  provenance: { field: string; system: string; recordId: string; rule: string }[];
  conflicts: { field: string; values: { system: string; recordId: string; value: string }[]; winner: { system: string; recordId: string } | null; reason: string }[];
  sources: { system: string; status: string; latencyMs: number; error: string | null }[];
}

describe('customer profiles over GraphQL, against the three simulators', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let salesforce: RunningSimulator;
  let mailchimp: RunningSimulator;
  let scim: RunningSimulator;
  let adapters: SourceAdapter[];
  let customers: CustomerServices;
  let gateway: RunningGateway;
  const population = testPopulation();
  // A person in all three systems whose CRM phone is an old one the identity system has replaced.
  const phoneChanged = population.people.find(
    (person) => person.phones.length >= 2 && ['salesforce', 'mailchimp', 'identity'].every((s) => person.records.some((r) => r.system === s)),
  )!;

  beforeAll(async () => {
    store = await openTestStore();
    [salesforce, mailchimp, scim] = await Promise.all([startTestSalesforce(), startTestMailchimp(), startTestScim()]);
    adapters = createAdapters(systemsConfigFromDescriptors([salesforce.descriptor, mailchimp.descriptor, scim.descriptor]));
    customers = createCustomerServices({
      store,
      adapters,
      profile: {
        // The configured rule for the phone-conflict test: the CRM wins phones.
        mergeConfig: parseMergeConfig({ phones: { rule: 'source-priority', priority: ['salesforce', 'identity', 'mailchimp'] } }),
        budgets: { defaultBudgetMs: 5000, budgetsMs: {} },
      },
    });
    gateway = await startTestGateway(store, { profiles: customers.profiles, identity: customers.identity, customerSearch: customers.customerSearch });
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all(adapters.map((adapter) => adapter.close()));
    await Promise.all([salesforce, mailchimp, scim].map((simulator) => simulator.stop()));
    await store.dropAndClose();
  });

  const customerByEmail = (email: string) =>
    gateway.graphql<{ customer: Profile | null }>(`query($email: String!) { customer(by: { email: $email }) { ${PROFILE} } }`, { email });

  it('finds a person the graph does not know by looking the email up in every source, and answers the next read from the graph', async () => {
    const email = `  ${phoneChanged.emails[0]!.toUpperCase()} `;
    const first = await customerByEmail(email);
    expect(first.errors).toBeUndefined();
    const profile = first.data!.customer!;
    expect(new Set(profile.sourceRecords.map((r) => r.system))).toEqual(new Set(['salesforce', 'mailchimp', 'identity']));
    expect(profile.sources.map((s) => [s.system, s.status])).toEqual([['identity', 'OK'], ['mailchimp', 'OK'], ['salesforce', 'OK']]);
    expect(profile.crm).not.toBeNull();
    expect(profile.engagement).not.toBeNull();
    expect(profile.identity).not.toBeNull();

    [salesforce, mailchimp, scim].forEach((simulator) => simulator.resetCounters());
    const second = await customerByEmail(phoneChanged.emails[0]!);
    expect(second.data!.customer!.id).toBe(profile.id);
    // A graph hit: no lookups (SOQL query, member by hash for a lookup, SCIM email filter), only the record reads.
    expect(salesforce.requestCount('query')).toBe(0);
    expect(scim.requestCount()).toBe(1);
  });

  it('shows provenance and the phone conflict of a person whose CRM and identity-system phones differ, decided by the configured rule', async () => {
    const { data } = await customerByEmail(phoneChanged.emails[0]!);
    const profile = data!.customer!;
    const conflict = profile.conflicts.find((c) => c.field === 'phones')!;
    expect(conflict.winner!.system).toBe('salesforce');
    expect(conflict.reason).toContain('salesforce > identity > mailchimp');
    const crmValue = conflict.values.find((v) => v.system === 'salesforce')!.value;
    const idpValue = conflict.values.find((v) => v.system === 'identity')!.value;
    expect(crmValue).not.toBe(idpValue);
    expect(profile.phones.join(', ')).toBe(crmValue);
    expect(profile.provenance.filter((p) => p.field === 'phones')).toEqual([
      expect.objectContaining({ system: 'salesforce', recordId: conflict.winner!.recordId, rule: 'source-priority' }),
    ]);
    // Every resolved field carries provenance.
    for (const field of ['name', 'emails', 'phones', 'crm', 'engagement', 'identity']) {
      expect(profile.provenance.some((p) => p.field === field)).toBe(true);
    }
  });

  it('answers 100 customers with one Composite call to Salesforce and one read per record elsewhere, none twice', async () => {
    await runBackfill({ graph: customers.graph, resolver: customers.resolver, adapters, pageSize: 200 });
    const redirected = new Set((await customers.graph.redirects.find({}).toArray()).map((r) => r._id));
    const ids = (await customers.graph.customers.find({}).sort({ _id: 1 }).toArray()).map((c) => c._id).filter((id) => !redirected.has(id)).slice(0, 100);
    expect(ids).toHaveLength(100);
    const links = [...(await customers.graph.linksOfCustomers(ids)).values()].flat();
    const perSystem = (system: string) => links.filter((link) => link.system === system).length;

    [salesforce, mailchimp, scim].forEach((simulator) => simulator.resetCounters());
    // Ask for every id twice: the loaders fetch each record once.
    const { data, errors } = await gateway.graphql<{ customers: Profile[] }>(
      `query($ids: [ID!]!) { customers(ids: $ids) { id sourceRecords { system recordId } sources { system status } } }`,
      { ids: [...ids, ...ids] },
    );
    expect(errors).toBeUndefined();
    expect(data!.customers).toHaveLength(200);
    expect(data!.customers.every((c) => c.sources.every((s) => s.status === 'OK'))).toBe(true);
    expect(salesforce.requestCount('composite')).toBe(1);
    expect(mailchimp.requestCount('member.get')).toBe(perSystem('mailchimp'));
    // SCIM reads by id in batches of 50 (`id eq ... or ...`); Mailchimp has no batch read by id.
    expect(scim.requestCount('users.list')).toBe(Math.ceil(perSystem('identity') / 50));
    expect(scim.requestCount('users.get')).toBe(0);
    process.stdout.write(
      `customers(100 ids): salesforce ${salesforce.requestCount()} call(s), mailchimp ${mailchimp.requestCount()} for ${perSystem('mailchimp')} records, ` +
        `scim ${scim.requestCount()} for ${perSystem('identity')} records\n`,
    );
  });

  it('with the ESP hung, returns within its budget with CRM and identity fields, an ESP TIMEOUT entry and a SOURCE_UNAVAILABLE error', async () => {
    // A gateway (over the same graph and adapters) whose ESP budget is 400 ms.
    const tight = createCustomerServices({ store, adapters, profile: { mergeConfig: parseMergeConfig(), budgets: { defaultBudgetMs: 1500, budgetsMs: { mailchimp: 400 } } } });
    const tightGateway = await startTestGateway(store, { profiles: tight.profiles, identity: tight.identity, customerSearch: tight.customerSearch });
    mailchimp.setFaults({ hang: true });
    try {
      const started = Date.now();
      const { data, errors } = await tightGateway.graphql<{ customer: Profile }>(`query($email: String!) { customer(by: { email: $email }) { ${PROFILE} } }`, {
        email: phoneChanged.emails[0]!,
      });
      const elapsed = Date.now() - started;
      const profile = data!.customer!;
      expect(profile.crm).not.toBeNull();
      expect(profile.identity).not.toBeNull();
      expect(profile.engagement).toBeNull();
      expect(profile.sources.find((s) => s.system === 'mailchimp')).toMatchObject({ status: 'TIMEOUT', error: expect.stringContaining('400 ms') });
      expect(profile.sources.filter((s) => s.system !== 'mailchimp').every((s) => s.status === 'OK')).toBe(true);
      expect(errors).toEqual([
        expect.objectContaining({ path: ['customer', 'engagement'], extensions: expect.objectContaining({ code: 'SOURCE_UNAVAILABLE' }) }),
      ]);
      // Bounded by the ESP's budget (400 ms), not by the hang; generous slack for a loaded test machine.
      expect(elapsed).toBeLessThan(400 + 2000);
    } finally {
      mailchimp.setFaults({});
      await tightGateway.stop();
    }
  });

  it("fills the CRM view's account, owner and open opportunities, names the ESP's audience and interests, and gives countries as ISO codes", async () => {
    const contact = population.salesforceContacts.find((c) => phoneChanged.records.some((r) => r.recordId === c.Id))!;
    const member = population.mailchimpMembers.find((m) => phoneChanged.records.some((r) => r.recordId === m.id))!;
    const open = new Set(population.salesforceOpportunities.filter((o) => !o.IsClosed).map((o) => o.Id));
    const openOpportunities = population.salesforceOpportunityContactRoles.filter((role) => role.ContactId === contact.Id && open.has(role.OpportunityId)).length;
    const { data, errors } = await gateway.graphql<{
      customer: {
        addresses: { country: string | null }[];
        crm: { accountName: string | null; ownerName: string | null; openOpportunities: number | null };
        engagement: { lists: string[]; interests: string[] };
      };
    }>(
      `query($email: String!) { customer(by: { email: $email }) {
        addresses { country } crm { accountName ownerName openOpportunities } engagement { lists interests }
      } }`,
      { email: phoneChanged.emails[0]! },
    );
    expect(errors).toBeUndefined();
    const customer = data!.customer;
    expect(customer.crm).toEqual({ accountName: contact.Account?.Name ?? null, ownerName: contact.Owner.Name, openOpportunities });
    expect(customer.engagement.lists).toEqual([MAILCHIMP_AUDIENCE_NAME]);
    expect(customer.engagement.interests.sort()).toEqual(
      MAILCHIMP_INTERESTS.filter((interest) => member.interests[interest.id]).map((interest) => interest.name).sort(),
    );
    expect(customer.addresses.length).toBeGreaterThan(0);
    expect(customer.addresses.map((address) => address.country)).toEqual(customer.addresses.map(() => phoneChanged.country));
  });

  it('answers a failed source with extensions.system and extensions.reason, as README promises, in a message that reads as one sentence', async () => {
    mailchimp.setFaults({ failNext: { count: 3, status: 503 }, routes: ['member.get'] }); // the call and its two retries
    try {
      const { data, errors } = await customerByEmail(phoneChanged.emails[0]!);
      expect(data!.customer!.engagement).toBeNull();
      expect(errors).toEqual([
        expect.objectContaining({
          path: ['customer', 'engagement'],
          extensions: { code: 'SOURCE_UNAVAILABLE', system: 'mailchimp', reason: 'UNAVAILABLE' },
        }),
      ]);
      expect(errors![0]!.message).toBe(
        'The engagement view is missing: mailchimp failed: The mailchimp system is unavailable (HTTP 503 Service Unavailable). The rest of the profile is from the other sources.',
      );
    } finally {
      mailchimp.setFaults({});
    }
  });

  it('with the identity system failing, answers the profile without its fields and an ERROR entry saying why', async () => {
    scim.setFaults({ errorRate: 1 });
    try {
      const { data, errors } = await customerByEmail(phoneChanged.emails[0]!);
      const profile = data!.customer!;
      expect(profile.identity).toBeNull();
      expect(profile.crm).not.toBeNull();
      expect(profile.sourceRecords.some((record) => record.system === 'identity')).toBe(false);
      const identity = profile.sources.find((s) => s.system === 'identity')!;
      expect(identity.status).toBe('ERROR');
      expect(identity.error).toMatch(/^identity failed: /);
      expect(errors!.map((e) => [e.path, e.extensions!.code])).toEqual([[['customer', 'identity'], 'SOURCE_UNAVAILABLE']]);
    } finally {
      scim.setFaults({});
    }
  });
});
