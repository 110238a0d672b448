import { createAdapters } from '../../src/adapters/create-adapters';
import type { SourceAdapter } from '../../src/adapters/source-adapter';
import { systemsConfigFromDescriptors } from '../../src/adapters/systems-config-from-descriptors';
import { composeServices } from '../../src/compose-services';
import { collectionNames } from '../../src/store/collections';
import type { RunningSimulator } from '../../simulators/simulator';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { openTestStore, testMongoUri } from '../harness/store';
import { MongoStore } from '../../src/store/mongo-store';
import { until } from '../harness/eventually-async';
import { startTestMailchimp, startTestSalesforce, startTestScim, testPopulation } from '../harness/simulators';

interface AccessRecord {
  principal: { id: string; kind: string; roles: string[] };
  operationName: string | null;
  requestId: string;
  purpose: string | null;
  customerIds: string[];
  fields: string[];
}

describe('a record of every personal-data read', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let simulators: RunningSimulator[];
  let adapters: SourceAdapter[];
  let gateway: RunningGateway;
  const [alice, bob] = testPopulation().people.filter((person) => person.records.length === 3) as [
    ReturnType<typeof testPopulation>['people'][number],
    ReturnType<typeof testPopulation>['people'][number],
  ];
  let aliceId: string;
  let bobId: string;

  beforeAll(async () => {
    store = await openTestStore();
    simulators = await Promise.all([startTestSalesforce(), startTestMailchimp(), startTestScim()]);
    adapters = createAdapters(systemsConfigFromDescriptors(simulators.map((simulator) => simulator.descriptor)));
    gateway = await startTestGateway(store, composeServices({ store, adapters }).services);
    const ids = await gateway.graphql<{ a: { id: string }; b: { id: string } }>(
      'query($a: String!, $b: String!) { a: customer(by: { email: $a }) { id } b: customer(by: { email: $b }) { id } }',
      { a: alice.emails[0], b: bob.emails[0] },
    );
    [aliceId, bobId] = [ids.data!.a.id, ids.data!.b.id];
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all(adapters.map((adapter) => adapter.close()));
    await Promise.all(simulators.map((simulator) => simulator.stop()));
    await store.dropAndClose();
  });

  const records = () => store.collection(collectionNames.accessRecords);
  /** Writes the records of the requests answered so far (queued before each response, written just after it). */
  const settle = () => gateway.access.accessRecords.drain();
  const logOf = async (customerId: string, after: string | null = null) =>
    (await gateway.graphqlAs<{ accessLog: { edges: { cursor: string; node: AccessRecord }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
      'compliance-officer',
      `query Audit($id: ID!, $after: String) @purpose(reason: "case 2026-118") { accessLog(customerId: $id, first: 2, after: $after) {
        edges { cursor node { principal { id kind roles } operationName requestId purpose customerIds fields } } pageInfo { hasNextPage endCursor } } }`,
      { id: customerId, after },
    )).data!.accessLog;

  it('writes exactly one record for a response with personal data: who, whose, which fields (paths, not values), the operation and why', async () => {
    await settle();
    const before = await records().countDocuments({});
    const response = await gateway.fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-purpose': 'callback requested by the customer', 'x-request-id': 'req-access-1', authorization: `Bearer ${await gateway.keyFor('support-agent')}` },
      body: JSON.stringify({
        query: 'query Lookup($a: ID!, $b: ID!) { first: customer(by: { id: $a }) { id emails name { full } locale } other: customer(by: { id: $b }) { id locale } }',
        variables: { a: aliceId, b: bobId },
      }),
    });
    expect(response.status).toBe(200);
    await settle();
    expect(await records().countDocuments({})).toBe(before + 1);
    const [latest] = (await logOf(aliceId)).edges;
    expect(latest!.node).toEqual({
      principal: { id: expect.stringMatching(/^key:/), kind: 'API_KEY', roles: ['support-agent'] },
      operationName: 'Lookup',
      requestId: 'req-access-1',
      purpose: 'callback requested by the customer',
      customerIds: [aliceId], // Bob's part of the answer held no personal field
      fields: ['first.emails', 'first.name', 'first.name.full'],
    });
    expect(JSON.stringify(latest)).not.toContain(alice.emails[0]!);
  });

  it('writes none for a response without personal data, and none for a refused request', async () => {
    await settle();
    const before = await records().countDocuments({});
    await gateway.graphqlAs('support-agent', 'query($id: ID!) { customer(by: { id: $id }) { id locale sources { system status } } }', { id: aliceId });
    await gateway.graphqlAs('support-agent', '{ systems { name } }');
    await fetch(`${gateway.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ systems { name } }' }) });
    await settle();
    expect(await records().countDocuments({})).toBe(before);
  });

  it('names every customer of a batch whose personal data was returned, with the @purpose directive as the purpose', async () => {
    await gateway.graphqlAs('internal-app', 'query Batch($ids: [ID!]!) @purpose(reason: "nightly sync") { customers(ids: $ids) { id phones } }', { ids: [aliceId, bobId] });
    await settle();
    const [latest] = (await logOf(bobId)).edges;
    expect(latest!.node).toMatchObject({ operationName: 'Batch', purpose: 'nightly sync', customerIds: [aliceId, bobId].sort(), fields: ['customers.phones'] });
  });

  it('refuses a compliance officer\'s read of personal data without a purpose, before it runs', async () => {
    await settle();
    const before = await records().countDocuments({});
    const body = await gateway.graphqlAs('compliance-officer', 'query($id: ID!) { customer(by: { id: $id }) { emails } }', { id: aliceId });
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'x-purpose' }, message: expect.stringContaining('Say why you read personal data') });
    expect(body.data).toBeUndefined();
    await settle();
    expect(await records().countDocuments({})).toBe(before);
  });

  it('pages a customer\'s access log newest first with opaque cursors', async () => {
    await gateway.graphqlAs('support-agent', 'query($id: ID!) { customer(by: { id: $id }) { phones } }', { id: aliceId });
    await settle();
    const first = await logOf(aliceId);
    expect(first.edges).toHaveLength(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const next = await logOf(aliceId, first.pageInfo.endCursor);
    expect(next.edges.map((edge) => edge.node.requestId)).not.toContain(first.edges[0]!.node.requestId);
    expect(Buffer.from(first.pageInfo.endCursor!, 'base64url').toString()).not.toContain(aliceId);
  });

  it('loses no record on a clean shutdown: stop writes what is queued before it resolves, so the store may close right after', async () => {
    const own = await openTestStore();
    const running = await startTestGateway(own, composeServices({ store: own, adapters }).services, { shutdownTimeoutMs: 15_000 });
    const people = testPopulation().people.filter((person) => person.records.length === 3).slice(0, 20);
    const agent = { credential: await running.keyFor('support-agent') };
    const [crm] = simulators;
    const crmCallsBefore = crm!.requestCount();
    simulators.forEach((simulator) => simulator.setFaults({ latencyMs: 1000 })); // so that all 20 are in flight at the stop
    const answers = Promise.all(
      people.map((person) => running.graphqlAs<{ customer: unknown }>(agent, 'query($e: String!) { customer(by: { email: $e }) { emails } }', { e: person.emails[0] })),
    );
    try {
      // Every request has reached its lookup in the CRM (counted on arrival), however loaded the machine.
      await until(async () => crm!.requestCount() - crmCallsBefore, (calls) => calls >= people.length, 30_000, 20);
      await running.stop(); // lets them finish, as SIGTERM does
    } finally {
      simulators.forEach((simulator) => simulator.setFaults({}));
    }
    await own.close(); // what the process does next
    expect((await answers).filter((answer) => answer.data?.customer)).toHaveLength(20);
    const reopened = new MongoStore({ uri: testMongoUri(), dbName: own.db.databaseName });
    try {
      expect(await reopened.collection(collectionNames.accessRecords).countDocuments({})).toBe(20);
    } finally {
      await reopened.db.dropDatabase();
      await reopened.close();
    }
  });
});
