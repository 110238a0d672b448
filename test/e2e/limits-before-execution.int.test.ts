import { createAdapters } from '../../src/adapters/create-adapters';
import type { SourceAdapter } from '../../src/adapters/source-adapter';
import { systemsConfigFromDescriptors } from '../../src/adapters/systems-config-from-descriptors';
import { createCustomerServices } from '../../src/profile/create-customer-services';
import { collectionNames } from '../../src/store/collections';
import { SystemsService } from '../../src/systems/systems-service';
import type { RunningSimulators } from '../../simulators/start-simulators';
import { startTestGateway, type GraphQLErrorBody, type RunningGateway } from '../harness/gateway';
import { openTestStore } from '../harness/store';
import { startTestSimulators, testPopulation, type JsonBody } from '../harness/simulators';
import { abuseCorpus as corpus, type AbuseCase } from '../harness/abuse-corpus';
import { overWebSocket } from '../harness/websocket';

/**
 * The abuse corpus of issue 11: each request is refused before execution, over HTTP and
 * over graphql-ws alike, with its code and a message naming the limit and its value
 * (graphql-ws has no batching, and an oversized message closes the connection with
 * 1009: those two are HTTP's only), and none reaches a source system
 * (the simulators count every request they get) or writes to the store. A normal agent
 * query still answers while the corpus runs.
 */

describe('limits before execution, over HTTP and graphql-ws, against the simulators', () => {
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

  /** The one error of a refusal names the case's code, limit and value. */
  const expectRefusal = (abuse: AbuseCase, errors: GraphQLErrorBody[] | undefined) => {
    expect(errors).toHaveLength(1);
    const [error] = errors as [GraphQLErrorBody];
    expect(error.extensions?.code).toBe(abuse.code);
    if (abuse.limit) expect(error.extensions).toMatchObject({ limit: abuse.limit, max: expect.any(Number) });
    if (abuse.limit) expect(error.message).toContain(String(error.extensions?.max));
    if (abuse.says) expect(error.message).toMatch(abuse.says);
  };
  const overWs = async (body: unknown) => {
    const { query, variables } = body as { query: string; variables?: Record<string, unknown> };
    return overWebSocket(gateway.baseUrl, { authorization: `Bearer ${await gateway.keyFor('support-agent')}` }, query, variables);
  };
  const oneOperation = Object.entries(corpus).filter(([, abuse]) => !Array.isArray(abuse.body) && abuse.status !== 413);

  it.each(Object.entries(corpus))('refuses %s before execution, and no source is called', async (_what, abuse) => {
    resetCounters();
    const { status, body } = await post(abuse.body);
    expect(body.data).toBeUndefined();
    expectRefusal(abuse, body.errors);
    expect(status).toBe(abuse.status);
    expect(sourceCalls()).toBe(0);
  });

  it.each(oneOperation)('refuses %s over graphql-ws before execution (an error message), and no source is called', async (_what, abuse) => {
    resetCounters();
    const answer = await overWs(abuse.body);
    expect(answer).toMatchObject({ refused: true });
    expect(answer.data).toBeUndefined();
    expectRefusal(abuse, answer.errors);
    expect(sourceCalls()).toBe(0);
  });

  it('closes a websocket whose message is over the 1 MB limit with 1009, and no source is called', async () => {
    resetCounters();
    expect(await overWs(corpus['a body over the 1 MB body limit']!.body)).toMatchObject({ closed: { code: 1009 } });
    expect(sourceCalls()).toBe(0);
  });

  it('wrote nothing to the store for any of the corpus, over HTTP or graphql-ws', async () => {
    for (const abuse of Object.values(corpus)) await post(abuse.body);
    for (const [, abuse] of oneOperation) await overWs(abuse.body);
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
