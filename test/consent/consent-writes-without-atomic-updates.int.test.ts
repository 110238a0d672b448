import { ConsentService } from '../../src/consent/consent-service';
import { collectionNames } from '../../src/store/collections';
import { MongoStore } from '../../src/store/mongo-store';
import type { ConsentEventDoc } from '../../src/consent/consent-model';
import { openTestStore, testMongoUri } from '../harness/store';
import { consentChange } from './support/consent-change';
import { expectedConsents } from './support/expected-state';

/**
 * The store as FerretDB v1.24.2 is released: its updates are not atomic, so a stale state
 * write can land after a newer one and the consent writer looks at the log after each
 * state write (ConsentLogWriter's invariants). The test store itself is real (and patched);
 * only its answer to "are updates atomic?" is the release's.
 */
class StoreWithoutAtomicUpdates extends MongoStore {
  override updatesAreAtomic(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

describe('consent writes on a store whose updates are not atomic', () => {
  let setup: Awaited<ReturnType<typeof openTestStore>>;
  let store: StoreWithoutAtomicUpdates;
  let consent: ConsentService;
  const commands: string[] = [];
  const channels = ['EMAIL', 'SMS', 'PHONE', 'POSTAL'] as const;
  const change = (customerId: string, i: number) =>
    consentChange({ customerId, channel: channels[i % channels.length], status: i % 3 ? 'GRANTED' : 'DENIED', idempotencyKey: `${customerId}-${i}` });

  beforeAll(async () => {
    setup = await openTestStore();
    store = new StoreWithoutAtomicUpdates({ uri: testMongoUri(), dbName: setup.db.databaseName, onCommand: (name) => commands.push(name) });
    consent = new ConsentService({ store, connectedSystems: () => ['crm', 'esp', 'ciam'] });
  });
  afterAll(async () => {
    await consent.drain();
    await store.close();
    await setup.dropAndClose();
  });

  it('looks at the log after each state write: one more find per write than where updates are atomic', async () => {
    await consent.recordConsent([change('alone', 0)]); // the first write also asks the server what it is
    commands.length = 0;
    for (let i = 1; i <= 10; i++) expect((await consent.recordConsent([change('alone', i)]))[0]!.error).toBeNull();
    // Per write: the state read and the look; the mark, the event, the outbox rows and the feed entry; the state.
    expect(commands.filter((name) => name === 'find')).toHaveLength(20);
  });

  it('leaves the stored state exactly the fold of the log once 8 writers to one customer have all returned', async () => {
    const writes = Array.from({ length: 48 }, (_, i) => change('race', i));
    let next = 0;
    const writer = async () => {
      while (next < writes.length) {
        const [result] = await consent.recordConsent([writes[next++]!]);
        expect(result!.error).toBeNull();
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));

    const events = await store.collection<ConsentEventDoc>(collectionNames.consentEvents).find({ customerId: 'race' }).sort({ seq: 1 }).toArray();
    expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 48 }, (_, i) => i + 1));
    const stored = await consent.storedState('race');
    expect(stored!.seq).toBe(48);
    const held = stored!.consents
      .map((entry) => ({ key: entry.key, status: entry.status, capturedAt: entry.capturedAt.toISOString(), expiresAt: entry.expiresAt?.toISOString() ?? null, eventId: entry.eventId }))
      .sort((a, b) => a.key.localeCompare(b.key));
    expect(held).toEqual(expectedConsents(events));
  });
});
