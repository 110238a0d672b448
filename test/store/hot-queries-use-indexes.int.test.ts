import type { CommandStartedEvent, Document } from 'mongodb';
import { ConsentService } from '../../src/consent/consent-service';
import { GraphCustomerDirectory } from '../../src/identity/graph-customer-directory';
import { IdentityGraph } from '../../src/identity/identity-graph';
import { RecordLinker } from '../../src/identity/record-linker';
import { collectionNames } from '../../src/store/collections';
import type { MongoStore } from '../../src/store/mongo-store';
import { openTestStore } from '../harness/store';
import { sourceRecord } from '../identity/source-record-factory';

/**
 * The store's hot paths must be index searches on the embedded store (FerretDB with the
 * project's patch) and on MongoDB alike: a filter that SQLite cannot serve from an index
 * scans the whole collection, which is invisible at test sizes and minutes at 100,000
 * customers. These tests ask the server itself, with `explain`.
 */

/** Whether the server's plan for `filter` on `collection` is an index search, and the plan. */
async function planOf(store: MongoStore, collection: string, filter: Document): Promise<{ indexed: boolean; plan: string }> {
  const explained = await store.db.command({ explain: { find: collection, filter }, verbosity: 'queryPlanner' });
  const plan = JSON.stringify(explained.queryPlanner);
  if ('ferretdbVersion' in (explained.serverInfo ?? {})) {
    // SQLite's EXPLAIN QUERY PLAN rows: "SEARCH t USING INDEX ..." or "SCAN t".
    return { indexed: plan.includes('USING INDEX') && !plan.includes('detail=SCAN'), plan };
  }
  return { indexed: !plan.includes('COLLSCAN'), plan };
}

describe('the hot queries use an index', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;

  beforeAll(async () => {
    store = await openTestStore({ onCommand: () => undefined }); // turns the driver's command monitoring on
    const events = store.collection(collectionNames.consentEvents);
    await events.insertMany(
      Array.from({ length: 50 }, (_, i) => ({ _id: `c${i % 10}#${Math.floor(i / 10) + 1}`, customerId: `c${i % 10}`, seq: Math.floor(i / 10) + 1, idempotencyKey: `k${i}` })) as never[],
    );
    await store.collection(collectionNames.identityKeys).insertOne({ _id: 'email:x@example.com', customerId: 'a' } as never);
    await store.collection(collectionNames.consentState).insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: `c${i}`, seq: 5 })) as never[]);
  });
  afterAll(() => store.dropAndClose());

  it.each<[string, string, Document]>([
    ['a find by _id', collectionNames.consentState, { _id: 'c1' }],
    ['an _id $in of many ids', collectionNames.consentState, { _id: { $in: Array.from({ length: 1000 }, (_, i) => `c${i}`) } }],
    ["a customer's latest events", collectionNames.consentEvents, { customerId: 'c1', seq: { $gt: 3 } }],
    ['an idempotency key', collectionNames.consentEvents, { idempotencyKey: 'k7' }],
    ['an identity key lookup', collectionNames.identityKeys, { _id: 'email:someone@example.com' }],
    ["a cluster's links", collectionNames.identityLinks, { customerId: { $in: ['a', 'b'] } }],
    ['the customers merged into a survivor', collectionNames.identityRedirects, { survivorId: { $in: ['a', 'b'] } }],
    ['a search by email local part or surname with initial', collectionNames.identitySearchTerms, { term: { $in: ['james.murphy', 'vries j'] } }],
    ['the search terms of an unlinked record', collectionNames.identitySearchTerms, { linkId: 'crm:r1' }],
    // The systems map's chart: the wanted minutes of the propagation history, by equality.
    ['the propagation history of the last minutes', collectionNames.propagationSamples, { minute: { $in: ['2026-12-01T10:41:00.000Z', '2026-12-01T10:42:00.000Z'] } }],
    ["a system's consent drift, per channel", collectionNames.consentDrift, { system: 'salesforce' }],
    // What the subscriptions' poller sends every tick (ConsentFeed.read): its buckets, then a time range checked on them.
    [
      "the consent feed's latest entries",
      collectionNames.consentFeed,
      { bucket: { $in: ['2026-03-03T09:00:00', '2026-03-03T09:00:01'] }, at: { $gte: new Date('2026-03-03T09:00:00.500Z'), $lte: new Date('2026-03-03T09:00:01.700Z') } },
    ],
  ])('%s', async (_what, collection, filter) => {
    const { indexed, plan } = await planOf(store, collection, filter);
    expect({ indexed, plan }).toEqual({ indexed: true, plan });
  });

  it('an unindexed filter is reported as a scan (the check can fail)', async () => {
    expect((await planOf(store, collectionNames.consentEvents, { 'consent.channel': 'EMAIL' })).indexed).toBe(false);
  });

  it('every query that linking records, writing consents and answering eligibility sends is an index search', async () => {
    const graph = new IdentityGraph({ store });
    const linker = new RecordLinker({ graph });
    const consent = new ConsentService({ store, directory: new GraphCustomerDirectory(graph), connectedSystems: () => ['crm', 'esp'] });
    const commands: CommandStartedEvent[] = [];
    const listener = (event: CommandStartedEvent) => commands.push(event);
    store.client.on('commandStarted', listener);
    try {
      const a = await linker.link(sourceRecord('crm', 'r1', { fields: { emails: ['hot.one@example.com'], phones: ['+447911123456'] } }));
      await linker.link(sourceRecord('esp', 'm1', { fields: { emails: ['HOT.ONE@example.com'] } }));
      const b = await linker.link(sourceRecord('crm', 'r2', { fields: { emails: ['hot.two@example.com'] } }));
      await linker.link(sourceRecord('esp', 'm2', { fields: { emails: ['hot.two@example.com'] }, crossReferences: [{ system: 'crm', recordId: 'r1' }] }));
      await graph.linksOfCustomers([a.customerId, b.customerId]);
      const change = { channel: 'EMAIL', purpose: 'MARKETING', status: 'GRANTED' as const, capturedAt: new Date(), source: { system: 'crm', recordId: 'r1' }, actor: { kind: 'SYSTEM' as const, id: 'test' }, method: 'API' as const };
      await consent.recordConsent([{ ...change, customerId: a.customerId, idempotencyKey: 'hot-1' }, { ...change, customerId: a.customerId, status: 'DENIED', idempotencyKey: 'hot-2' }]);
      await consent.recordConsent([{ ...change, customerId: a.customerId, idempotencyKey: 'hot-1' }]); // a replay
      await consent.contactEligibility([a.customerId, b.customerId, 'nobody'], 'EMAIL', 'MARKETING');
      await consent.contactEligibility([a.customerId, b.customerId, 'nobody'], 'EMAIL', 'MARKETING', 'Hot.One@example.com');
      await consent.consentHistory(a.customerId);
    } finally {
      store.client.off('commandStarted', listener);
    }

    const queries = commands.flatMap((event): { collection: string; filter: Document }[] => {
      const { command, commandName } = event;
      if (commandName === 'find' || commandName === 'count') return [{ collection: command[commandName], filter: command.filter ?? command.query ?? {} }];
      if (commandName === 'update' || commandName === 'delete') {
        return (command[commandName === 'update' ? 'updates' : 'deletes'] as { q: Document }[]).map(({ q }) => ({ collection: command[commandName], filter: q }));
      }
      return [];
    });
    expect(queries.length).toBeGreaterThan(20);
    const scans: string[] = [];
    for (const { collection, filter } of queries) {
      if (!(await planOf(store, collection, filter)).indexed) scans.push(`${collection} ${JSON.stringify(filter)}`);
    }
    expect(scans).toEqual([]);
  });
});
