import { collectionNames } from '../../src/store/collections';
import type { DeliveryRowDoc } from '../../src/propagation/delivery-row';
import type { SalesforceSimulator } from '../../simulators/salesforce/salesforce-simulator';
import { startTestStack, type TestStack } from '../harness/stack';
import { testPopulation } from '../harness/simulators';
import { until } from '../harness/eventually-async';

const RECORD = `mutation($changes: [ConsentChangeInput!]!) { recordConsent(changes: $changes) { eventId current error { code } } }`;

describe('delivery when a system fails: retries on the schedule, parking, dead rows, replay', () => {
  let stack: TestStack;
  let salesforce: SalesforceSimulator;
  const population = testPopulation();
  // People with a Salesforce contact, not opted out of email.
  const contacts = population.salesforceContacts.filter((contact) => contact.Email && !contact.HasOptedOutOfEmail).slice(0, 6);
  const customerIds = new Map<string, string>();

  beforeAll(async () => {
    stack = await startTestStack({ propagation: { pollIntervalMs: 60_000, retry: { maxAttempts: 4, baseMs: 200, capMs: 800 } } });
    salesforce = stack.simulators[0] as SalesforceSimulator;
    for (const contact of contacts) {
      const found = await stack.gateway.graphql<{ customer: { id: string } }>('query($id: String!) { customer(by: { source: { system: "salesforce", recordId: $id } }) { id } }', { id: contact.Id });
      customerIds.set(contact.Id, found.data!.customer.id);
    }
  }, 60_000);
  afterAll(() => stack.stop());
  afterEach(() => salesforce.setFaults({}));

  const optOut = async (contactId: string, key: string, capturedAt = new Date().toISOString(), status = 'DENIED') => {
    const body = await stack.gateway.graphqlAs<{ recordConsent: { eventId: string }[] }>('support-agent', RECORD, {
      changes: [{ customerId: customerIds.get(contactId), channel: 'EMAIL', purpose: 'MARKETING', status, capturedAt, method: 'CALL', idempotencyKey: key, source: { system: 'contact-centre', recordId: key } }],
    });
    expect(body.errors).toBeUndefined();
    return body.data!.recordConsent[0]!.eventId;
  };
  const row = (eventId: string) => stack.store.collection<DeliveryRowDoc>(collectionNames.consentOutbox).findOne({ _id: `${eventId}>salesforce` });
  const settled = async (eventId: string, status: string, timeoutMs = 15_000) => {
    const doc = await until(() => row(eventId), (found) => found?.status === status, timeoutMs);
    expect(doc?.status).toBe(status);
    return doc!;
  };

  it('retries a system that answers 503 until it recovers, then delivers; nothing is lost', async () => {
    const contact = contacts[0]!;
    // The HTTP client retries a 503 twice itself; the fourth answer fails the delivery's first attempt.
    salesforce.setFaults({ failNext: { count: 4, status: 503 }, routes: ['sobject.update'] });
    const eventId = await optOut(contact.Id, 'outage-1');
    const done = await settled(eventId, 'DELIVERED');
    expect(done).toMatchObject({ status: 'DELIVERED', attempts: 2, failures: 1, records: [contact.Id] });
    expect(salesforce.getContact(contact.Id)!.HasOptedOutOfEmail).toBe(true);
  }, 30_000);

  it('waits at least as long as Retry-After says (longer than the HTTP client itself waits)', async () => {
    const contact = contacts[1]!;
    salesforce.setFaults({ rateLimit: { count: 1, retryAfterSeconds: 3 }, routes: ['sobject.update'] });
    const eventId = await optOut(contact.Id, 'rate-1');
    const waiting = await until(() => row(eventId), (doc) => doc?.status === 'PENDING' && doc.attempts === 1);
    expect(waiting!.lastError).toMatch(/rate-limiting/);
    expect(waiting!.nextAttemptAt!.getTime() - waiting!.updatedAt!.getTime()).toBeGreaterThanOrEqual(3000);
    expect(await settled(eventId, 'DELIVERED')).toMatchObject({ attempts: 2 });
  }, 30_000);

  it('parks a delivery the system refuses for good (400) at once, as DEAD with its error', async () => {
    const contact = contacts[2]!;
    salesforce.setFaults({ failNext: { count: 1, status: 400 }, routes: ['sobject.update'] });
    const eventId = await optOut(contact.Id, 'refused-1');
    const dead = await settled(eventId, 'DEAD');
    expect(dead).toMatchObject({ attempts: 1, failures: 1 });
    expect(dead!.lastError).toMatch(/salesforce system rejected the request \(HTTP 400/);
    expect(salesforce.getContact(contact.Id)!.HasOptedOutOfEmail).toBe(false);
  }, 30_000);

  it('skips, as SUPERSEDED, a change that arrives after a newer capture for the same key; the target holds the newer one', async () => {
    const contact = contacts[4]!;
    salesforce.setFaults({ latencyMs: 300, routes: ['sobject.update'] });
    const newer = await optOut(contact.Id, 'order-new', new Date().toISOString(), 'DENIED');
    const older = await optOut(contact.Id, 'order-old', new Date(Date.now() - 3_600_000).toISOString(), 'GRANTED');
    await settled(newer, 'DELIVERED');
    expect(await settled(older, 'SUPERSEDED')).toMatchObject({ supersededBy: newer });
    expect(salesforce.getContact(contact.Id)!.HasOptedOutOfEmail).toBe(true);
  }, 30_000);

  it('skips what the target cannot hold, saying why', async () => {
    const contact = contacts[5]!;
    const body = await stack.gateway.graphqlAs<{ recordConsent: { eventId: string }[] }>('support-agent', RECORD, {
      changes: [{ customerId: customerIds.get(contact.Id), channel: 'POSTAL', purpose: 'MARKETING', status: 'DENIED', capturedAt: new Date().toISOString(), method: 'CALL', idempotencyKey: 'postal-1', source: { system: 'contact-centre', recordId: 'postal-1' } }],
    });
    const skipped = await settled(body.data!.recordConsent[0]!.eventId, 'SKIPPED');
    expect(skipped!.note).toBe('salesforce holds no POSTAL MARKETING consent');
  }, 30_000);

  // Last: it leaves the CRM's circuit open for a while.
  it('gives a target that always fails up as DEAD after the last attempt; a steward replays it once fixed, and the replay is recorded', async () => {
    const contact = contacts[3]!;
    salesforce.setFaults({ errorRate: 1, routes: ['sobject.update'] });
    const eventId = await optOut(contact.Id, 'broken-1');
    const dead = await settled(eventId, 'DEAD', 25_000);
    expect(dead!.failures).toBe(4);
    const customer = await stack.gateway.graphqlAs<{ customer: { deliveries: { system: string; status: string; lastError: string }[] } }>(
      'support-agent',
      'query($id: ID!) { customer(by: { id: $id }) { deliveries { system status lastError } } }',
      { id: customerIds.get(contact.Id) },
    );
    expect(customer.data!.customer.deliveries).toContainEqual({ system: 'salesforce', status: 'DEAD', lastError: expect.stringMatching(/unavailable|failing/) });
    const systems = await stack.gateway.graphqlAs<{ systems: { name: string; deadCount: number }[] }>('support-agent', '{ systems { name deadCount } }');
    expect(systems.data!.systems.find((system) => system.name === 'salesforce')!.deadCount).toBeGreaterThanOrEqual(1);

    // An agent may not replay; a steward may, once the system is fixed.
    const refused = await stack.gateway.graphqlAs('support-agent', 'mutation { replayDeliveries(filter: { system: "salesforce" }) { requeued } }');
    expect(refused.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    salesforce.setFaults({});
    await new Promise((resolve) => setTimeout(resolve, 10_500)); // the breaker lets a probe through after 10 s
    const replayed = await stack.gateway.graphqlAs<{ replayDeliveries: { requeued: number } }>(
      'data-steward',
      'mutation($id: ID!) { replayDeliveries(filter: { eventId: $id }, reason: "CRM fixed") { requeued } }',
      { id: eventId },
    );
    expect(replayed.data!.replayDeliveries.requeued).toBe(1);
    expect(await settled(eventId, 'DELIVERED')).toMatchObject({ status: 'DELIVERED', failures: 0 });
    expect(salesforce.getContact(contact.Id)!.HasOptedOutOfEmail).toBe(true);
    const replays = await stack.store.collection(collectionNames.propagationReplays).find({}).toArray();
    expect(replays).toContainEqual(expect.objectContaining({ by: await stack.gateway.principalIdOf('data-steward'), reason: 'CRM fixed', requeued: 1, filter: { eventId } }));
    const empty = await stack.gateway.graphqlAs('data-steward', 'mutation { replayDeliveries(filter: {}) { requeued } }');
    expect(empty.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  }, 60_000);
});
