import { collectionNames } from '../../src/store/collections';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { startTestStack, type TestStack } from '../harness/stack';
import { testPopulation } from '../harness/simulators';
import { overWebSocket, runOver, webSocketClient } from '../harness/websocket';
import { keySecretOf } from '../harness/api-key-parts';

type Person = ReturnType<typeof testPopulation>['people'][number];

/** A mutation that would write, to show that a refused connection changes nothing. */
const WRITE = `mutation { recordConsent(changes: [{ customerId: "cus_ws", channel: "EMAIL", purpose: "MARKETING", status: "GRANTED",
  capturedAt: "2026-01-05T10:00:00Z", method: WEB_FORM, source: { system: "web", recordId: "f-1" } }]) { eventId } }`;

/**
 * GraphQL over graphql-ws on /graphql applies HTTP's access, with no bypass: the same
 * credentials at connection_init, the same policy on every field, the same access records,
 * the same rate buckets; and stop closes its connections with 1001.
 */
describe('the graphql-ws endpoint applies the same access as HTTP', () => {
  let stack: TestStack;
  let store: TestStack['store'];
  let gateway: RunningGateway;
  const [alice, bob] = testPopulation().people.filter((person) => person.records.length === 3) as [Person, Person];
  let aliceId: string;
  let bobId: string;
  const as = async (role: Parameters<RunningGateway['keyFor']>[0]) => ({ authorization: `Bearer ${await gateway.keyFor(role)}` });
  const records = () => store.collection(collectionNames.accessRecords);

  beforeAll(async () => {
    stack = await startTestStack();
    ({ store, gateway } = stack);
    const ids = await gateway.graphql<{ a: { id: string }; b: { id: string } }>(
      'query($a: String!, $b: String!) { a: customer(by: { email: $a }) { id } b: customer(by: { email: $b }) { id } }',
      { a: alice.emails[0], b: bob.emails[0] },
    );
    [aliceId, bobId] = [ids.data!.a.id, ids.data!.b.id];
  });
  afterAll(() => stack.stop());

  it('refuses a connection without credentials with 4401 and a reason saying what to send, and runs nothing', async () => {
    const answer = await overWebSocket(gateway.baseUrl, {}, WRITE);
    expect(answer.closed).toEqual({ code: 4401, reason: expect.stringContaining('"authorization": "Bearer <API key or access token>"') });
    expect(await store.collection(collectionNames.consentEvents).countDocuments({ customerId: 'cus_ws' })).toBe(0);
  });

  it('refuses a malformed, an unknown and a revoked key with 4401, saying why, never echoing the credential; a revocation closes an open connection at its next operation', async () => {
    expect((await overWebSocket(gateway.baseUrl, { authorization: 'Basic dXNlcjpwYXNz' }, WRITE)).closed).toEqual({
      code: 4401,
      reason: 'The Authorization header must be `Bearer <API key or access token>`.',
    });
    const { key, info } = await gateway.access.apiKeys.create({ name: 'ws app', role: 'internal-app', createdBy: 'test' });
    const forged = `${key.slice(0, -4)}AAAA`;
    const unknown = await overWebSocket(gateway.baseUrl, { authorization: `Bearer ${forged}` }, WRITE);
    expect(unknown.closed).toEqual({ code: 4401, reason: 'The API key is not valid; ask an admin for a key.' });
    expect(JSON.stringify(unknown)).not.toContain(keySecretOf(forged));
    const open = webSocketClient(gateway.baseUrl, { authorization: `Bearer ${key}` });
    expect(await runOver(open, '{ __typename }')).toEqual({ data: { __typename: 'Query' } });
    await gateway.access.apiKeys.revoke(info.id);
    const revoked = { code: 4401, reason: 'The API key "ws app" was revoked; ask an admin for a new one.' };
    expect((await runOver(open, WRITE)).closed).toEqual(revoked); // on the connection opened before the revocation
    await open.dispose();
    expect((await overWebSocket(gateway.baseUrl, { authorization: `Bearer ${key}` }, WRITE)).closed).toEqual(revoked);
    expect(await store.collection(collectionNames.consentEvents).countDocuments({ customerId: 'cus_ws' })).toBe(0);
  });

  it('withholds Customer.emails from the offer engine with FORBIDDEN at its path, and answers the rest', async () => {
    const answer = await overWebSocket<{ customers: { id: string; emails: string[] | null }[] }>(
      gateway.baseUrl,
      await as('offer-engine'),
      'query($ids: [ID!]!) { customers(ids: $ids) { id emails } }',
      { ids: [aliceId] },
    );
    expect(answer.data!.customers).toEqual([{ id: aliceId, emails: null }]);
    expect(answer.errors).toEqual([
      expect.objectContaining({ path: ['customers', 0, 'emails'], extensions: expect.objectContaining({ code: 'FORBIDDEN', field: 'Customer.emails' }) }),
    ]);
  });

  it("refuses a customer's link another customer's profile, and reads their own", async () => {
    const link = { authorization: `Bearer ${await gateway.access.preferenceLinks.issue(aliceId)}` };
    const other = await overWebSocket(gateway.baseUrl, link, 'query($id: ID!) { customer(by: { id: $id }) { id } }', { id: bobId });
    expect(other.data).toEqual({ customer: null });
    expect(other.errors).toEqual([expect.objectContaining({ path: ['customer'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    const own = await overWebSocket(gateway.baseUrl, link, 'query($id: ID!) { customer(by: { id: $id }) { id } }', { id: aliceId });
    expect(own).toEqual({ data: { customer: { id: aliceId } } });
  });

  it('leaves exactly one access record for a personal-data read, with the purpose from the connection, and none without personal data', async () => {
    await gateway.access.accessRecords.drain();
    const before = await records().countDocuments({});
    const params = { ...(await as('support-agent')), 'x-purpose': 'callback over ws' };
    const client = webSocketClient(gateway.baseUrl, params);
    try {
      const read = await runOver<{ first: { emails: string[] } }>(client, 'query Lookup($a: ID!, $b: ID!) { first: customer(by: { id: $a }) { id emails } other: customer(by: { id: $b }) { id locale } }', {
        a: aliceId,
        b: bobId,
      });
      expect(read.data!.first.emails).toContain(alice.emails[0]);
      await runOver(client, 'query($id: ID!) { customer(by: { id: $id }) { id locale } }', { id: bobId });
    } finally {
      await client.dispose();
    }
    await gateway.access.accessRecords.drain();
    const added = await records().find({}).sort({ _id: 1 }).skip(before).toArray();
    expect(added).toEqual([
      expect.objectContaining({
        principal: { id: await gateway.principalIdOf('support-agent'), kind: 'api-key', roles: ['support-agent'] },
        operationName: 'Lookup',
        purpose: 'callback over ws',
        customerIds: [aliceId],
        fields: ['first.emails'],
        requestId: expect.any(String),
      }),
    ]);
    expect(JSON.stringify(added)).not.toContain(alice.emails[0]!);
  });

  it("refuses a compliance officer's personal-data read without a purpose before it runs, as HTTP does", async () => {
    const answer = await overWebSocket(gateway.baseUrl, await as('compliance-officer'), 'query($id: ID!) { customer(by: { id: $id }) { emails } }', { id: aliceId });
    expect(answer).toMatchObject({ refused: true, errors: [{ extensions: { code: 'BAD_USER_INPUT', field: 'x-purpose' } }] });
  });

  it('runs only the named operations for a key limited to them', async () => {
    const { key } = await gateway.access.apiKeys.create({ name: 'one job', role: 'internal-app', createdBy: 'test', allowedOperations: ['ListSystems'] });
    const client = webSocketClient(gateway.baseUrl, { authorization: `Bearer ${key}` });
    try {
      expect(await runOver(client, 'query ListSystems { systems { name } }')).toEqual({ data: { systems: expect.any(Array) } });
      expect(await runOver(client, 'query Other { systems { name } }')).toEqual({
        refused: true,
        errors: [{ message: 'This API key may run only the operations ListSystems; send one of them by name (not Other).', extensions: { code: 'FORBIDDEN' } }],
      });
    } finally {
      await client.dispose();
    }
  });

  it('spends the same rate bucket as HTTP: past it, a subscribe is refused with RATE_LIMITED', async () => {
    const own = await startTestGateway(store, {}, { limits: { defaults: { ratePerSecond: 2, burst: 1 } } });
    const params = { authorization: `Bearer ${await own.keyFor('support-agent')}` };
    const client = webSocketClient(own.baseUrl, params);
    try {
      expect(await runOver(client, '{ __typename }')).toEqual({ data: { __typename: 'Query' } }); // connected, one spent
      await Promise.all(Array.from({ length: 6 }, () => own.graphqlAs('support-agent', '{ __typename }'))); // the rest, over HTTP
      expect(await runOver(client, '{ __typename }')).toEqual({
        refused: true,
        errors: [
          {
            message: expect.stringMatching(/^Rate limit of 2 requests per second \(and 1 more per 10 s\) exceeded; retry after \d+ s\.$/),
            extensions: { code: 'RATE_LIMITED', limit: 'ratePerSecond', max: 2, retryAfter: expect.any(Number) },
          },
        ],
      });
    } finally {
      await client.dispose();
      await own.stop();
    }
  });

  it('closes open connections with 1001 on stop, and refuses new ones', async () => {
    const own = await startTestGateway(store);
    const client = webSocketClient(own.baseUrl, { authorization: `Bearer ${own.adminKey}` });
    const closed = new Promise<number>((resolve) => client.on('closed', (event) => resolve((event as { code: number }).code)));
    expect(await runOver(client, '{ __typename }')).toEqual({ data: { __typename: 'Query' } });
    await own.stop();
    expect(await closed).toBe(1001);
    expect((await overWebSocket(own.baseUrl, { authorization: `Bearer ${own.adminKey}` }, '{ __typename }')).closed).toBeDefined();
    await client.dispose();
  });
});
