import type { Client } from 'graphql-ws';
import type { ComposedServices } from '../../src/compose-services';
import { ConsentFeed, type ConsentFeedDoc } from '../../src/consent/consent-feed';
import type { ConsentEventDoc } from '../../src/consent/consent-model';
import { collectionNames } from '../../src/store/collections';
import type { RunningGateway } from '../harness/gateway';
import { startGatewayWithCustomers } from '../harness/named-customers';
import { openTestStore } from '../harness/store';
import { subscribeOver, webSocketClient, type LiveSubscription } from '../harness/websocket';

const RECORD = `mutation($changes: [ConsentChangeInput!]!) { recordConsent(changes: $changes) { eventId error { code } } }`;
const CHANGED = `subscription Changed($id: ID!) { consentChanged(customerId: $id) { id customerId seq consent { channel contactPoint to } } }`;
const ALL = `subscription All($after: String) { consentEvents(after: $after) { position event { id customerId consent { channel to } } } }`;

interface ChangedEvent {
  id: string;
  customerId: string;
  seq: number;
  consent: { channel: string; contactPoint: string | null; to: string } | null;
}
interface AtPosition {
  position: string;
  event: { id: string; customerId: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Long enough for the gateway to have taken a `subscribe` it was just sent (graphql-ws does not acknowledge one). */
const SUBSCRIBED_MS = 300;
/** Longer than a poll plus the settle window: anything still to come would have come. */
const QUIET_MS = 1200;

/**
 * Live subscriptions over graphql-ws against the real store: `consentChanged` for one
 * customer (following merges, for the roles that read history and a customer's own
 * link), and `consentEvents`, every customer's events from a position, resumable
 * exactly, for the integration roles only.
 */
describe('consent subscriptions', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let composed: ComposedServices;
  let gateway: RunningGateway;
  let ids: Record<'ann' | 'bob' | 'cat', string>;
  const clients: Client[] = [];
  let changes = 0;

  beforeAll(async () => {
    store = await openTestStore();
    ({ composed, gateway, ids } = await startGatewayWithCustomers(store, ['ann', 'bob', 'cat']));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });
  afterAll(async () => {
    await gateway.stop();
    await store.dropAndClose();
  });

  const clientAs = async (who: Parameters<RunningGateway['keyFor']>[0] | { credential: string }) => {
    const credential = typeof who === 'string' ? await gateway.keyFor(who) : who.credential;
    const client = webSocketClient(gateway.baseUrl, { authorization: `Bearer ${credential}` });
    clients.push(client);
    return client;
  };
  /** Records one consent change through HTTP and returns its event id. */
  const record = async (customerId: string, overrides: Record<string, unknown> = {}) => {
    changes++;
    const { data, errors } = await gateway.graphql<{ recordConsent: { eventId: string }[] }>(RECORD, {
      changes: [
        {
          customerId,
          channel: changes % 2 ? 'EMAIL' : 'SMS',
          purpose: 'MARKETING',
          status: changes % 3 ? 'GRANTED' : 'DENIED',
          capturedAt: new Date(Date.now() - 1000).toISOString(),
          source: { system: 'web', recordId: `form-${changes}` },
          method: 'WEB_FORM',
          ...overrides,
        },
      ],
    });
    expect(errors).toBeUndefined();
    return data!.recordConsent[0]!.eventId;
  };
  const eventIds = (results: LiveSubscription<{ consentEvents: AtPosition }>['results']) => results.map((result) => result.data!.consentEvents.event.id);
  const codeOf = (subscription: LiveSubscription<unknown>) => subscription.results[0]?.errors?.[0]?.extensions?.code;

  it("consentChanged sends one customer's events only, also to a subscriber that named a merged-away id", async () => {
    await gateway.graphqlAs('data-steward', 'mutation { linkRecords(records: [{ system: "crm", recordId: "r-ann" }, { system: "crm", recordId: "r-cat" }], reason: "same person") { id } }');
    const survivor = (await composed.customers.directory.resolveId(ids.cat))!;
    const mergedAway = survivor === ids.ann ? ids.cat : ids.ann;
    expect(mergedAway).not.toBe(survivor);
    const agent = await clientAs('support-agent');
    const viaOldId = subscribeOver<{ consentChanged: ChangedEvent }>(agent, CHANGED, { id: mergedAway });
    const bobs = subscribeOver<{ consentChanged: ChangedEvent }>(agent, CHANGED, { id: ids.bob });
    await sleep(SUBSCRIBED_MS);

    const first = await record(survivor);
    const forBob = await record(ids.bob);
    const second = await record(mergedAway); // written to the survivor

    await viaOldId.take(2);
    await bobs.take(1);
    await sleep(QUIET_MS);
    expect(viaOldId.results.map((result) => result.errors ?? result.data!.consentChanged.id)).toEqual([first, second]);
    expect(viaOldId.results.every((result) => result.data!.consentChanged.customerId === survivor)).toBe(true);
    expect(bobs.results.map((result) => result.errors ?? result.data!.consentChanged.id)).toEqual([forBob]);
    expect(viaOldId.ended).toBeUndefined(); // still open: a subscription ends when its client says so
  });

  it("lets a customer's link follow its own id, and refuses another customer's with FORBIDDEN", async () => {
    const link = { credential: await gateway.access.preferenceLinks.issue(ids.bob) };
    const client = await clientAs(link);
    const own = subscribeOver<{ consentChanged: ChangedEvent }>(client, CHANGED, { id: ids.bob });
    const other = subscribeOver<{ consentChanged: ChangedEvent }>(client, CHANGED, { id: ids.ann });
    await sleep(SUBSCRIBED_MS);
    const eventId = await record(ids.bob);

    expect((await own.take(1)).map((result) => result.data?.consentChanged.id)).toEqual([eventId]);
    await other.take(1);
    expect(codeOf(other)).toBe('FORBIDDEN');
    expect(other.results[0]!.errors![0]!.message).toContain('Subscription.consentChanged');
    expect(other.results[0]!.data ?? null).toBeNull();
    expect(other.ended).toEqual({}); // completed: a refusal is an error, then the end, never a silent empty stream
  });

  it('refuses consentEvents to the offer engine and to a support agent, and an unknown customer to consentChanged', async () => {
    for (const role of ['offer-engine', 'support-agent'] as const) {
      const refused = subscribeOver(await clientAs(role), ALL, { after: null });
      await refused.take(1);
      expect({ role, code: codeOf(refused) }).toEqual({ role, code: 'FORBIDDEN' });
    }
    const unknown = subscribeOver(await clientAs('support-agent'), CHANGED, { id: 'no-such-customer' });
    await unknown.take(1);
    expect(codeOf(unknown)).toBe('NOT_FOUND');
  });

  it.each([
    ['not a position at all', 'yesterday'],
    ['a history cursor', Buffer.from('seq:3').toString('base64url')],
    ['a well-formed position this feed never sent', Buffer.from(`cf1:${Date.now() - 5000}:nobody#0000000001`).toString('base64url')],
  ])('answers BAD_USER_INPUT naming `after` for %s', async (_what, after) => {
    const refused = subscribeOver(await clientAs('internal-app'), ALL, { after });
    await refused.take(1);
    expect(refused.results[0]!.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/^after: /), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'after' }) })]);
    expect(refused.results[0]!.errors![0]!.message).toMatch(/pass .*position/);
  });

  it('resumes consentEvents from the last position received: exactly the events missed, in order, none twice, then live', async () => {
    const app = await clientAs('internal-app');
    const before = subscribeOver<{ consentEvents: AtPosition }>(app, ALL, { after: null });
    await sleep(SUBSCRIBED_MS);
    const seen = [await record(ids.bob), await record(ids.ann), await record(ids.bob)];
    await before.take(3);
    expect(eventIds(before.results)).toEqual(seen);
    const last = before.results.at(-1)!.data!.consentEvents.position;
    expect(Buffer.from(last, 'base64url').toString()).not.toContain('@'); // no contact data in a position
    before.unsubscribe();
    await Promise.all(clients.splice(0).map((client) => client.dispose()));

    const missed = [await record(ids.bob), await record(ids.ann), await record(ids.bob), await record(ids.bob)];
    const resumed = subscribeOver<{ consentEvents: AtPosition }>(await clientAs('internal-app'), ALL, { after: last });
    await resumed.take(4);
    expect(eventIds(resumed.results)).toEqual(missed);
    const live = await record(ids.ann);
    await resumed.take(5);
    await sleep(QUIET_MS);
    expect(eventIds(resumed.results)).toEqual([...missed, live]);

    // Resuming from the middle gives the same order from there: positions name one order.
    const fromMiddle = subscribeOver<{ consentEvents: AtPosition }>(await clientAs('internal-app'), ALL, { after: resumed.results[1]!.data!.consentEvents.position });
    await fromMiddle.take(3);
    await sleep(QUIET_MS);
    expect(eventIds(fromMiddle.results)).toEqual([...missed.slice(2), live]);
  });

  it('delivers, once and in feed order, an event whose feed entry lands after a later one (a slow write within the settle window)', async () => {
    const events = store.collection<ConsentEventDoc>(collectionNames.consentEvents);
    const feed = store.collection<ConsentFeedDoc>(collectionNames.consentFeed);
    const app = await clientAs('internal-app');
    const start = subscribeOver<{ consentEvents: AtPosition }>(app, ALL, { after: null });
    await sleep(SUBSCRIBED_MS);
    const earlier = await record(ids.bob);
    await start.take(1);
    const from = start.results[0]!.data!.consentEvents.position;
    const live = subscribeOver<{ consentEvents: AtPosition }>(app, ALL, { after: from });

    // The later event's entry lands first; the slow one lands after it, stamped 150 ms before it.
    const later = await record(ids.bob);
    const laterEntry = (await feed.findOne({ _id: later }))!;
    const template = (await events.findOne({ _id: later }))!;
    const slow: ConsentEventDoc = { ...template, _id: 'slow-writer#0000000001', customerId: 'slow-writer', seq: 1, idempotencyKey: 'slow-writer-1' };
    await events.insertOne(slow);
    await new ConsentFeed(store, { now: () => laterEntry.at.getTime() - 150 }).ensureEntries([slow]);

    await live.take(2);
    await sleep(QUIET_MS);
    expect(eventIds(live.results)).toEqual([slow._id, later]);
    // A reader that resumes from the same position sees the same order.
    const again = subscribeOver<{ consentEvents: AtPosition }>(await clientAs('internal-app'), ALL, { after: from });
    await again.take(2);
    await sleep(QUIET_MS);
    expect(eventIds(again.results)).toEqual([slow._id, later]);
    // A second entry for the same event (a sweeper finishing the write) changes nothing: one entry per event.
    await new ConsentFeed(store).ensureEntries([slow]);
    expect(await feed.countDocuments({ _id: slow._id })).toBe(1);
    expect((await feed.findOne({ _id: earlier }))!.bucket).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });

  it('records each event of a subscription that carried personal data as it is sent, with the purpose given at the start', async () => {
    const records = store.collection(collectionNames.accessRecords);
    const client = webSocketClient(gateway.baseUrl, { authorization: `Bearer ${await gateway.keyFor('support-agent')}`, 'x-purpose': 'watching a complaint' });
    clients.push(client);
    const watched = subscribeOver<{ consentChanged: ChangedEvent }>(client, CHANGED, { id: ids.bob });
    await sleep(SUBSCRIBED_MS);
    await record(ids.bob, { channel: 'EMAIL', contactPoint: 'bob@example.com' });
    await watched.take(1);
    const first = await eventuallyCount(() => records.countDocuments({ operationName: 'Changed' }), 1);
    expect(first).toBe(1);
    await record(ids.bob, { channel: 'EMAIL', contactPoint: 'bob@example.com', status: 'DENIED' });
    await watched.take(2);
    expect(await eventuallyCount(() => records.countDocuments({ operationName: 'Changed' }), 2)).toBe(2);
    expect(watched.ended).toBeUndefined(); // recorded while the subscription is still open
    const written = await records.find({ operationName: 'Changed' }).toArray();
    expect(written.map((doc) => ({ customerIds: doc.customerIds, fields: doc.fields, purpose: doc.purpose }))).toEqual([
      { customerIds: [ids.bob], fields: ['consentChanged.consent.contactPoint'], purpose: 'watching a complaint' },
      { customerIds: [ids.bob], fields: ['consentChanged.consent.contactPoint'], purpose: 'watching a complaint' },
    ]);
  });
});

/** Polls `count` until it reaches `expected` (records are written in the background) or 5 s pass. */
async function eventuallyCount(count: () => Promise<number>, expected: number): Promise<number> {
  const deadline = Date.now() + 5000;
  let value = await count();
  while (value < expected && Date.now() < deadline) {
    await sleep(100);
    value = await count();
  }
  return value;
}
