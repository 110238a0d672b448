import { ConsentService } from '../../src/consent/consent-service';
import { collectionNames } from '../../src/store/collections';
import type { ConsentEventDoc } from '../../src/consent/consent-model';
import { openTestStore } from '../harness/store';
import { seededRandom } from './support/seeded-random';
import { randomConsentChange, randomEpoch } from './support/random-consent-change';
import { expectedConsents } from './support/expected-state';

describe('consentAt, against a brute-force replay of the history', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let consent: ConsentService;
  const customers = Array.from({ length: 50 }, (_, i) => `pit-${i}`);
  beforeAll(async () => {
    store = await openTestStore();
    consent = new ConsentService({ store });
    const random = seededRandom(20260303);
    const changes = Array.from({ length: 1000 }, (_, i) =>
      randomConsentChange(random, { customerId: customers[i % customers.length]!, idempotencyKey: `pit-${i}` }),
    );
    for (let start = 0; start < changes.length; start += 500) {
      const results = await consent.recordConsent(changes.slice(start, start + 500));
      expect(results.filter((result) => result.error !== null)).toEqual([]);
    }
  }, 120_000); // 1,000 events written through the service: seconds normally, more on a busy machine
  afterAll(() => store.dropAndClose());

  it('answers 100 random (customer, instant) pairs over 1,000 seeded random events exactly as the replay does', async () => {
    const events = await store.collection<ConsentEventDoc>(collectionNames.consentEvents).find({}).toArray();
    expect(events).toHaveLength(1000);
    const random = seededRandom(42);
    for (let i = 0; i < 100; i++) {
      const customerId = customers[Math.floor(random() * customers.length)]!;
      // From before the first capture to after the last expiry, whole and fractional seconds alike.
      const at = new Date(randomEpoch - 600_000 + Math.floor(random() * 6 * 3600_000));
      const expected = expectedConsents(events.filter((event) => event.customerId === customerId), at).map((entry) => ({
        ...entry,
        status:
          entry.expiresAt !== null && Date.parse(entry.expiresAt) <= at.getTime() && (entry.status === 'GRANTED' || entry.status === 'PENDING')
            ? 'EXPIRED'
            : entry.status,
      }));
      const actual = (await consent.consentAt(customerId, at))
        .map((view) => ({
          key: `${view.channel}|${view.purpose}|${view.contactPoint ?? ''}`,
          status: view.status,
          capturedAt: view.capturedAt.toISOString(),
          expiresAt: view.expiresAt?.toISOString() ?? null,
          eventId: view.eventId,
        }))
        .sort((a, b) => a.key.localeCompare(b.key));
      expect({ customerId, at, consents: actual }).toEqual({ customerId, at, consents: expected });
    }
  });

  it('answers the present exactly as the current state does', async () => {
    for (const customerId of customers.slice(0, 10)) {
      const now = new Date();
      expect(await consent.consentAt(customerId, now)).toEqual(await consent.currentConsents(customerId));
    }
  });
});
