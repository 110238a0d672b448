import { collectionNames } from '../../src/store/collections';
import { openTestStore } from '../harness/store';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { ConsentService } from '../../src/consent/consent-service';
import { acceptAnyCustomer } from '../../src/identity/customer-directory';

const recordConsent = `mutation ($changes: [ConsentChangeInput!]!) { recordConsent(changes: $changes) { index eventId error { code } } }`;
const updatePreferences = `mutation ($changes: [PreferenceChangeInput!]!) { updatePreferences(changes: $changes) { index eventId } }`;
const contactEligibility = `query ($ids: [ID!]!, $channel: String!, $purpose: String!, $contactPoint: String) {
  contactEligibility(customerIds: $ids, channel: $channel, purpose: $purpose, contactPoint: $contactPoint) { customerId allowed reason } }`;

/** A valid change as a GraphQL variable. */
function change(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    customerId: 'v-1',
    channel: 'EMAIL',
    purpose: 'MARKETING',
    status: 'GRANTED',
    capturedAt: new Date(Date.now() - 60_000).toISOString(),
    source: { system: 'crm', recordId: '003A' },
    actor: { kind: 'AGENT', id: 'agent-7' },
    method: 'CALL',
    ...overrides,
  };
}

function preference(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { channel: _c, purpose: _p, status: _s, ...base } = change();
  return { ...base, frequency: 'WEEKLY', ...overrides };
}

const inOneHour = new Date(Date.now() + 3600_000).toISOString();

/** [what is wrong, query, variables, the field the error must name] */
const badInputs: [string, string, Record<string, unknown>, string][] = [
  ['an empty batch', recordConsent, { changes: [] }, 'changes'],
  ['a batch over the limit', recordConsent, { changes: Array.from({ length: 1001 }, () => change()) }, 'changes'],
  ['an unknown channel', recordConsent, { changes: [change(), change(), change({ channel: 'CARRIER_PIGEON' })] }, 'changes[2].channel'],
  ['an unknown purpose', recordConsent, { changes: [change({ purpose: 'WHATEVER' })] }, 'changes[0].purpose'],
  ['a capture time in the future', recordConsent, { changes: [change(), change({ capturedAt: inOneHour })] }, 'changes[1].capturedAt'],
  ['a malformed email contact point', recordConsent, { changes: [change({ contactPoint: 'not-an-email' })] }, 'changes[0].contactPoint'],
  ['a malformed phone contact point', recordConsent, { changes: [change(), change({ channel: 'SMS', contactPoint: '12' })] }, 'changes[1].contactPoint'],
  // A change without an actor is the caller's own (test/access/consent-ownership); one naming an actor must name it fully.
  ['an actor without an id', recordConsent, { changes: [change({ actor: { kind: 'AGENT', id: ' ' } })] }, 'changes[0].actor.id'],
  ['a missing source', recordConsent, { changes: [change(), change({ source: null })] }, 'changes[1].source'],
  ['a blank source system', recordConsent, { changes: [change({ source: { system: ' ', recordId: 'x' } })] }, 'changes[0].source.system'],
  ['an evidence IP that is no address', recordConsent, { changes: [change({ evidence: { ip: '999.1.1.1' } })] }, 'changes[0].evidence.ip'],
  ['an expiry before the capture', recordConsent, { changes: [change({ expiresAt: '2020-01-01T00:00:00Z' })] }, 'changes[0].expiresAt'],
  [
    'one idempotency key for two different changes',
    recordConsent,
    { changes: [change({ idempotencyKey: 'k' }), change({ idempotencyKey: 'k', status: 'DENIED' })] },
    'changes[1].idempotencyKey',
  ],
  ['an unknown topic', updatePreferences, { changes: [preference({ topics: ['NEWSLETTER', 'GOSSIP'] })] }, 'changes[0].topics'],
  ['a malformed language tag', updatePreferences, { changes: [preference(), preference({ language: 'not a tag!' })] }, 'changes[1].language'],
  ['an unknown preferred channel', updatePreferences, { changes: [preference({ preferredChannel: 'FAX' })] }, 'changes[0].preferredChannel'],
  ['a preference change that sets nothing', updatePreferences, { changes: [preference({ frequency: null })] }, 'changes[0]'],
  ['an empty id list', contactEligibility, { ids: [], channel: 'EMAIL', purpose: 'MARKETING' }, 'customerIds'],
  ['over 10,000 ids', contactEligibility, { ids: Array.from({ length: 10_001 }, (_, i) => `c${i}`), channel: 'EMAIL', purpose: 'MARKETING' }, 'customerIds'],
  ['an unknown eligibility channel', contactEligibility, { ids: ['v-1'], channel: 'FAX', purpose: 'MARKETING' }, 'channel'],
  ['a malformed eligibility contact point', contactEligibility, { ids: ['v-1'], channel: 'SMS', purpose: 'MARKETING', contactPoint: 'abc' }, 'contactPoint'],
];

describe('consent input validation over GraphQL', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let running: RunningGateway;
  const consentCollections = Object.entries(collectionNames)
    .filter(([name]) => name.startsWith('consent'))
    .map(([, collection]) => collection);
  const snapshot = async () =>
    Object.fromEntries(
      await Promise.all(
        consentCollections.map(async (name) => [name, await store.collection(name).find({}).sort({ _id: 1 }).toArray()] as const),
      ),
    );
  beforeAll(async () => {
    store = await openTestStore();
    // The service's own bounds are under test: the gateway's list-size and cost limits, which
    // refuse such batches before execution at their defaults, are opened wide here.
    const consent = new ConsentService({ store, directory: acceptAnyCustomer });
    running = await startTestGateway(store, { consent }, { limits: { defaults: { listSize: 100_000, cost: 10_000_000 }, byRole: {} } });
    // Something to be left unchanged.
    const seeded = await running.graphql<{ recordConsent: { error: unknown }[] }>(recordConsent, { changes: [change({ idempotencyKey: 'k' })] });
    expect(seeded.data?.recordConsent[0]!.error).toBeNull();
    await consent.drain(); // its write mark is cleared, a moment after the answer, before the first snapshot
  });
  afterAll(async () => {
    await running.stop();
    await store.dropAndClose();
  });

  it.each(badInputs)('rejects %s with BAD_USER_INPUT naming the field, and writes nothing', async (_what, query, variables, field) => {
    const before = await snapshot();
    const response = await running.graphql(query, variables);
    // The root field answers null (with the error), and nothing else was asked.
    expect(Object.values(response.data ?? {}).every((value) => value === null)).toBe(true);
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(response.errors![0]!.message.startsWith(`${field}:`)).toBe(true);
    expect(await snapshot()).toEqual(before);
  });

  it('accepts the same changes once corrected, so the table tests the bad field and nothing else', async () => {
    const response = await running.graphql<{ recordConsent: { error: unknown }[] }>(recordConsent, {
      changes: [change(), change({ channel: 'SMS', contactPoint: '+44 7911 123456' }), change({ contactPoint: ' Ann@Example.com' })],
    });
    expect(response.errors).toBeUndefined();
    expect(response.data!.recordConsent.map((result) => result.error)).toEqual([null, null, null]);
  });
});
