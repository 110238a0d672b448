import { ConsentService } from '../../src/consent/consent-service';
import { collectionNames } from '../../src/store/collections';
import type { ConsentEventDoc, ConsentStateDoc } from '../../src/consent/consent-model';
import { openTestStore, testMongoUri } from '../harness/store';
import { spawnConsentWriter } from './support/spawn-consent-writer';
import { expectedConsents } from './support/expected-state';
import { consentChange } from './support/consent-change';

/** The stored state's consents in the shape of expectedConsents. */
function stateConsents(state: ConsentStateDoc | null) {
  return (state?.consents ?? [])
    .map((entry) => ({
      key: entry.key,
      status: entry.status,
      capturedAt: entry.capturedAt.toISOString(),
      expiresAt: entry.expiresAt?.toISOString() ?? null,
      eventId: entry.eventId,
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

describe('consent writes from separate OS processes', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let consent: ConsentService;
  const log = (customerId: string) =>
    store.collection<ConsentEventDoc>(collectionNames.consentEvents).find({ customerId }).sort({ seq: 1 }).toArray();
  beforeAll(async () => {
    store = await openTestStore();
    consent = new ConsentService({ store, connectedSystems: () => ['crm', 'esp', 'ciam'] });
  });
  afterAll(() => store.dropAndClose());

  it('keeps all 100 events of two processes writing 50 changes each to one customer at once, and the state is the newest per key', async () => {
    const env = { MONGODB_URI: testMongoUri(), DB_NAME: store.db.databaseName, CUSTOMER_ID: 'race', COUNT: '50', CONCURRENCY: '2' };
    const writers = [
      spawnConsentWriter({ ...env, WRITER: 'crm', SEED: '1' }),
      spawnConsentWriter({ ...env, WRITER: 'esp', SEED: '2' }),
    ];
    await Promise.all(writers.map((writer) => writer.ready));
    writers.forEach((writer) => writer.go());
    const outcomes = await Promise.all(writers.map((writer) => writer.finished));

    for (const outcome of outcomes) {
      expect({ exit: outcome.exit, stderr: outcome.stderr }).toEqual({ exit: 0, stderr: '' });
      expect(outcome.acked).toHaveLength(50);
      expect(outcome.acked.filter((ack) => ack.error !== null)).toEqual([]);
    }
    const events = await log('race');
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const acked = outcomes.flatMap((outcome) => outcome.acked.map((ack) => ack.eventId)).sort();
    expect(events.map((event) => event._id).sort()).toEqual(acked);

    // The stored document itself, not healed by a read: every acknowledged write has returned.
    const stored = await consent.storedState('race');
    expect(stored!.seq).toBe(100);
    expect(stateConsents(stored)).toEqual(expectedConsents(events));
    // Every event is queued for the two systems other than its source.
    expect(await store.collection(collectionNames.consentOutbox).countDocuments({ customerId: 'race' })).toBe(200);
    // Every write finished, so no write mark is left for the sweeper.
    expect(await store.collection(collectionNames.consentPendingWrites).countDocuments({})).toBe(0);
  });

  it('heals, with the sweeper, a process killed between appending an event and folding it; no acknowledged change is lost', async () => {
    const writer = spawnConsentWriter({
      MONGODB_URI: testMongoUri(),
      DB_NAME: store.db.databaseName,
      CUSTOMER_ID: 'crash',
      COUNT: '10',
      WRITER: 'ciam', // idempotency keys ciam-0.., unused by the test above
      SEED: '3',
      CRASH_AFTER: '6',
    });
    await writer.ready;
    writer.go();
    const { exit, acked } = await writer.finished;
    expect(exit).toBe('SIGKILL');
    expect(acked).toHaveLength(6);

    const events = await log('crash');
    expect(events).toHaveLength(7); // the seventh was appended, then the process died
    expect((await consent.storedState('crash'))!.seq).toBe(6);
    const outbox = store.collection(collectionNames.consentOutbox);
    const feed = store.collection(collectionNames.consentFeed);
    expect(await outbox.countDocuments({ eventId: events[6]!._id })).toBe(0);
    expect(await feed.countDocuments({ customerId: 'crash' })).toBe(6); // each acknowledged event reached the subscriptions' feed

    // Acknowledged writes' marks are cleared together a moment later, so the killed process may
    // have left some of theirs too: the sweeper finds those writes finished, and heals only the seventh.
    const swept = await consent.sweep(0);
    expect(swept.healed).toBe(1);
    expect(swept.stale).toBeGreaterThanOrEqual(1);
    expect(swept.stale).toBeLessThanOrEqual(7);
    expect(await feed.countDocuments({ customerId: 'crash' })).toBe(7);
    const healed = await consent.storedState('crash');
    expect(healed!.seq).toBe(7);
    expect(stateConsents(healed)).toEqual(expectedConsents(events));
    expect(await outbox.countDocuments({ eventId: events[6]!._id })).toBe(2);
    const logged = new Set(events.map((event) => event._id));
    expect(acked.filter((ack) => !logged.has(ack.eventId!))).toEqual([]);
    expect(await consent.sweep(0)).toEqual({ stale: 0, healed: 0 });
  });

  it('makes sure, with the sweeper, the outbox rows and feed entry of a write that died after folding its state and before they landed', async () => {
    const [result] = await consent.recordConsent([
      consentChange({ customerId: 'rows', idempotencyKey: 'rows-1' }),
    ]);
    expect(result!.error).toBeNull();
    // What a death between the two halves of the fold step leaves: the state folded, no rows, the mark still there.
    const outbox = store.collection(collectionNames.consentOutbox);
    const feed = store.collection(collectionNames.consentFeed);
    await outbox.deleteMany({ eventId: result!.eventId! });
    await feed.deleteOne({ _id: result!.eventId! } as never);
    await consent.drain(); // the write's own mark is cleared in the background: let that finish before planting one
    await store.collection(collectionNames.consentPendingWrites).insertOne({ _id: 'rows|rows-1', customerId: 'rows', idempotencyKey: 'rows-1', startedAt: new Date(0) } as never);

    expect(await consent.sweep(0)).toEqual({ stale: 1, healed: 0 });
    expect((await outbox.find({ eventId: result!.eventId! }).toArray()).map((row) => row.system).sort()).toEqual(['ciam', 'esp']);
    expect(await feed.countDocuments({ _id: result!.eventId! } as never)).toBe(1);
  });
});
