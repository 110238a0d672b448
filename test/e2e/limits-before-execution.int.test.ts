import { createAdapters } from '../../src/adapters/create-adapters';
import type { SourceAdapter } from '../../src/adapters/source-adapter';
import { systemsConfigFromDescriptors } from '../../src/adapters/systems-config-from-descriptors';
import { createCustomerServices } from '../../src/profile/create-customer-services';
import { collectionNames } from '../../src/store/collections';
import { SystemsService } from '../../src/systems/systems-service';
import type { RunningSimulators } from '../../simulators/start-simulators';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { openTestStore } from '../harness/store';
import { startTestSimulators, testPopulation, type JsonBody } from '../harness/simulators';

/**
 * The abuse corpus of issue 11: each request is refused before execution, with its
 * code and a message naming the limit and its value, and none reaches a source system
 * (the simulators count every request they get) or writes to the store. A normal agent
 * query still answers while the corpus runs.
 */

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
const lookups = (n: number) => Array.from({ length: n }, (_, i) => `c${i}: customer(by: {email: "abuse${i}@example.com"}) { id }`).join(' ');

/** A request body (an object sent as JSON, or raw text), and what it must be answered with. */
interface AbuseCase {
  body: unknown;
  status: number;
  code: string;
  /** `extensions.limit`, and words the message must hold. */
  limit?: string;
  says?: RegExp;
}

const corpus: Record<string, AbuseCase> = {
  'deep nesting': {
    body: { query: '{ searchCustomers(query: "smith") { edges { node { conflicts { winner { system } } } } } }' },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'depth',
    says: /depth limit of 5 exceeded, found 6/i,
  },
  'deep nesting through fragment spreads': {
    body: {
      query: `{ searchCustomers(query: "smith") { edges { ...E } } }
        fragment E on CustomerEdge { node { ...N } } fragment N on Customer { conflicts { winner { system } } }`,
    },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'depth',
  },
  '500 aliases of customer(by:)': { body: { query: `{ ${lookups(500)} }` }, status: 400, code: 'LIMIT_EXCEEDED', limit: 'tokens', says: /token limit of 1000/i },
  '16 aliases of customer(by:)': { body: { query: `{ ${lookups(16)} }` }, status: 400, code: 'LIMIT_EXCEEDED', limit: 'aliases', says: /aliases limit of 15 exceeded, found 16/i },
  'a __typename alias flood': {
    body: { query: `{ ${Array.from({ length: 300 }, (_, i) => `t${i}: __typename`).join(' ')} }` },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'aliases',
    says: /found 300/,
  },
  'a __typename flood without aliases': { body: { query: `{ ${'__typename '.repeat(5000)}}` }, status: 400, code: 'LIMIT_EXCEEDED', limit: 'tokens' },
  'aliases multiplied by spreading one fragment': {
    body: { query: `{ ...L ...L ...L ...L } fragment L on Query { ${lookups(5)} }` },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'aliases',
    says: /found 20/,
  },
  'a fragment bomb (spreads fanning out into each other)': {
    body: {
      query: `{ ...A } fragment A on Query { ${'...B '.repeat(25)}} fragment B on Query { ${'...C '.repeat(25)}}
        fragment C on Query { ${'...D '.repeat(25)}} fragment D on Query { customer(by: {email: "bomb@example.com"}) { id } }`,
    },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'nodes',
  },
  'a directive flood': {
    body: { query: `{ ${'__typename @include(if: true) '.repeat(51)}}` },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'directives',
    says: /directives limit of 50 exceeded, found 51/i,
  },
  'a cost bomb through a list of ids': {
    body: {
      query: 'query ($ids: [ID!]!) { customers(ids: $ids) { id name { full } emails phones crm { tier } engagement { lists } sources { system status } } }',
      variables: { ids: ids(1000) },
    },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'cost',
    says: /cost limit of 5000 exceeded, found \d+/i,
  },
  'a cost bomb through a page size': {
    body: { query: '{ searchCustomers(query: "smith", first: 1000) { edges { node { id name { full } emails crm { tier } sources { status } } } } }' },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'cost',
  },
  'a huge id list for customers(ids)': {
    body: { query: 'query ($ids: [ID!]!) { customers(ids: $ids) { id } }', variables: { ids: ids(5000) } },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'listSize',
    says: /list size limit of 1000 exceeded, found 5000 in Query\.customers\(ids\)/i,
  },
  'a huge id list for contactEligibility(customerIds) written inline': {
    body: { query: `{ contactEligibility(customerIds: ${JSON.stringify(ids(1500))}, channel: "EMAIL", purpose: "MARKETING") { customerId } }` },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'tokens',
  },
  'a huge id list for contactEligibility(customerIds)': {
    body: {
      query: 'query ($ids: [ID!]!) { contactEligibility(customerIds: $ids, channel: "EMAIL", purpose: "MARKETING") { customerId allowed } }',
      variables: { ids: ids(20_000) },
    },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'listSize',
    says: /found 20000 in Query\.contactEligibility\(customerIds\)/,
  },
  'a huge list inside an input object': {
    body: {
      query: 'mutation ($changes: [PreferenceChangeInput!]!) { updatePreferences(changes: $changes) { index } }',
      variables: {
        changes: [
          {
            customerId: 'c1',
            topics: Array.from({ length: 2000 }, () => 'NEWSLETTER'),
            capturedAt: new Date().toISOString(),
            source: { system: 'crm', recordId: '003A' },
            actor: { kind: 'AGENT', id: 'agent-7' },
            method: 'CALL',
          },
        ],
      },
    },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'listSize',
    says: /changes\[0\]\.topics/,
  },
  'an oversized document within the body limit': {
    body: { query: `{ ${'customer(by: {email: "big@example.com"}) { id } '.repeat(18_000)}}` },
    status: 400,
    code: 'LIMIT_EXCEEDED',
    limit: 'tokens',
  },
  'a body over the 1 MB body limit': { body: { query: `{ ${'__typename '.repeat(120_000)}}` }, status: 413, code: 'PAYLOAD_TOO_LARGE' },
  'a batched array of operations in one body': {
    body: Array.from({ length: 100 }, (_, i) => ({ query: `{ customer(by: {email: "batch${i}@example.com"}) { id } }` })),
    status: 400,
    code: 'BAD_REQUEST',
  },
  'introspection by a caller who is not an admin': {
    body: { query: '{ __schema { types { name fields { name } } } }' },
    status: 403,
    code: 'FORBIDDEN',
    says: /admins only/,
  },
  'introspection hidden behind an alias': { body: { query: '{ t: __type(name: "Customer") { name } }' }, status: 403, code: 'FORBIDDEN' },
};

describe('limits before execution, over HTTP, against the simulators', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let simulators: RunningSimulators;
  let adapters: SourceAdapter[];
  let gateway: RunningGateway;
  const person = testPopulation().people.find((candidate) =>
    ['salesforce', 'mailchimp', 'identity'].every((system) => candidate.records.some((record) => record.system === system)),
  )!;
  const sourceCalls = () => [simulators.salesforce, simulators.mailchimp, simulators.identity].reduce((sum, simulator) => sum + simulator.requestCount(), 0);
  const resetCounters = () => [simulators.salesforce, simulators.mailchimp, simulators.identity].forEach((simulator) => simulator.resetCounters());

  const post = async (body: unknown) => {
    const response = await fetch(`${gateway.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${await gateway.keyFor('support-agent')}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as JsonBody };
  };
  const agentQuery = () =>
    post({
      query: `query ($email: String!) { customer(by: {email: $email}) { id name { full } emails crm { tier } engagement { subscriptionStatus } identity { username } sources { system status } } }`,
      variables: { email: person.emails[0] },
    });

  beforeAll(async () => {
    store = await openTestStore();
    simulators = await startTestSimulators();
    adapters = createAdapters(systemsConfigFromDescriptors(simulators.descriptors));
    const customers = createCustomerServices({ store, adapters });
    gateway = await startTestGateway(
      store,
      { systems: new SystemsService(adapters), profiles: customers.profiles, identity: customers.identity, customerSearch: customers.customerSearch },
      // The rate limit has its own test: here every request must reach the limits under test. The
      // schema's deepest answer is 6 levels, the default limit, so depth is exercised at 5.
      { limits: { defaults: { ratePerSecond: 100_000, depth: 5 }, adminOnlyIntrospection: true } },
    );
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all((adapters ?? []).map((adapter) => adapter.close()));
    await simulators?.stop();
    await store?.dropAndClose();
  });

  it.each(Object.entries(corpus))('refuses %s before execution, and no source is called', async (_what, abuse) => {
    resetCounters();
    const { status, body } = await post(abuse.body);
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions.code).toBe(abuse.code);
    expect(status).toBe(abuse.status);
    if (abuse.limit) expect(body.errors[0].extensions).toMatchObject({ limit: abuse.limit, max: expect.any(Number) });
    if (abuse.limit) expect(body.errors[0].message).toContain(String(body.errors[0].extensions.max));
    if (abuse.says) expect(body.errors[0].message).toMatch(abuse.says);
    expect(sourceCalls()).toBe(0);
  });

  it('wrote nothing to the store for any of the corpus', async () => {
    for (const abuse of Object.values(corpus)) await post(abuse.body);
    expect(await store.collection(collectionNames.consentEvents).countDocuments()).toBe(0);
    expect(await store.collection(collectionNames.identityLinks).countDocuments()).toBe(0);
  });

  it('answers a normal agent query while the corpus runs, and only that query calls the sources', async () => {
    expect((await agentQuery()).status).toBe(200); // links the person first: two first lookups at once may race
    resetCounters();
    expect((await agentQuery()).status).toBe(200);
    const oneQuery = sourceCalls(); // what one agent query costs the sources, alone
    expect(oneQuery).toBeGreaterThan(0); // the counters do count
    resetCounters();
    const rounds = await Promise.all([
      ...Object.values(corpus).map((abuse) => post(abuse.body)),
      agentQuery(),
      ...Object.values(corpus).map((abuse) => post(abuse.body)),
      agentQuery(),
    ]);
    const answers = rounds.filter((round) => round.status === 200);
    expect(answers).toHaveLength(2);
    for (const { body } of answers) {
      expect(body.errors).toBeUndefined();
      expect(body.data.customer.emails).toContain(person.emails[0]);
      expect(body.data.customer.sources.map((source: { status: string }) => source.status)).toEqual(['OK', 'OK', 'OK']);
    }
    expect(sourceCalls()).toBe(2 * oneQuery);
  });
});
