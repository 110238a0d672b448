import type { CommandStartedEvent } from 'mongodb';
import { ConsentService } from '../../src/consent/consent-service';
import type { ConsentChangeInput } from '../../src/consent/consent-inputs';
import { collectionNames } from '../../src/store/collections';
import { openTestStore } from '../harness/store';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { seededRandom } from '../consent/support/seeded-random';

const eligibilityQuery = `query ($ids: [ID!]!, $channel: String!, $purpose: String!, $contactPoint: String) {
  contactEligibility(customerIds: $ids, channel: $channel, purpose: $purpose, contactPoint: $contactPoint) { customerId allowed reason } }`;

interface Answer {
  customerId: string;
  allowed: boolean;
  reason: string;
}

describe('contactEligibility for 1,000 customers', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let consent: ConsentService;
  let running: RunningGateway;
  const commands: CommandStartedEvent[] = [];
  const withConsents = Array.from({ length: 500 }, (_, i) => `el-${i}`);
  const registeredOnly = Array.from({ length: 450 }, (_, i) => `el-reg-${i}`);
  const unknown = Array.from({ length: 50 }, (_, i) => `el-unknown-${i}`);
  const ids = [...withConsents, ...registeredOnly, ...unknown];

  beforeAll(async () => {
    store = await openTestStore({ onCommand: () => undefined }); // turns the driver's command monitoring on
    store.client.on('commandStarted', (event) => commands.push(event));
    consent = new ConsentService({ store, writeConcurrency: 16 });
    running = await startTestGateway(store, { consent });
    const random = seededRandom(7);
    const now = Date.now();
    const changes: ConsentChangeInput[] = withConsents.flatMap((customerId, i) => {
      const base = {
        customerId,
        channel: 'EMAIL',
        purpose: 'MARKETING',
        source: { system: 'esp', recordId: `m-${i}` },
        actor: { kind: 'CUSTOMER' as const, id: customerId },
        method: 'WEB_FORM' as const,
      };
      const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000);
      const pick = Math.floor(random() * 7);
      const first: ConsentChangeInput = { ...base, status: 'GRANTED', capturedAt: at(60) };
      switch (pick) {
        case 0: return [first];
        case 1: return [first, { ...base, status: 'DENIED', capturedAt: at(30) }];
        case 2: return [{ ...first, expiresAt: at(1) }]; // lapsed
        case 3: return [{ ...base, status: 'PENDING', capturedAt: at(5) }];
        case 4: return [{ ...first, contactPoint: 'x@example.com' }]; // only for another address
        case 5: return [{ ...first, contactPoint: 'inbox@example.com' }, { ...base, status: 'DENIED', capturedAt: at(90) }];
        default: return [{ ...base, purpose: 'SERVICE', status: 'GRANTED', capturedAt: at(10) }]; // another purpose
      }
    });
    for (let start = 0; start < changes.length; start += 1000) {
      const results = await consent.recordConsent(changes.slice(start, start + 1000));
      expect(results.filter((result) => result.error !== null)).toEqual([]);
    }
    await consent.registerCustomers(registeredOnly);
  }, 120_000); // 1,000 customers written through the service: seconds normally, more on a busy machine
  afterAll(async () => {
    await running.stop();
    await store.dropAndClose();
  });

  it('answers with ONE query to the store, and the same as consentAt(now) for every customer', async () => {
    commands.length = 0;
    const response = await running.graphql<{ contactEligibility: Answer[] }>(eligibilityQuery, {
      ids,
      channel: 'EMAIL',
      purpose: 'MARKETING',
      contactPoint: 'Inbox@Example.com',
    });
    expect(response.errors).toBeUndefined();
    expect(commands.map((event) => [event.commandName, event.command[event.commandName]])).toEqual([['find', collectionNames.consentState]]);
    const answers = response.data!.contactEligibility;
    expect(answers.map((answer) => answer.customerId)).toEqual(ids);

    const expectedOf = async (customerId: string): Promise<Answer> => {
      if (unknown.includes(customerId)) return { customerId, allowed: false, reason: 'UNKNOWN_CUSTOMER' };
      // consentAt(now): the newest capture among the channel-wide entry and the one for this address decides.
      const inForce = (await consent.consentAt(customerId, new Date()))
        .filter((view) => view.channel === 'EMAIL' && view.purpose === 'MARKETING')
        .filter((view) => view.contactPoint === null || view.contactPoint === 'inbox@example.com')
        .sort((a, b) => b.capturedAt.getTime() - a.capturedAt.getTime());
      const status = inForce[0]?.status ?? 'UNKNOWN';
      return { customerId, allowed: status === 'GRANTED', reason: status === 'UNKNOWN' ? 'NO_CONSENT' : status };
    };
    const expected: Answer[] = new Array(ids.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < ids.length; i = next++) expected[i] = await expectedOf(ids[i]!);
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(answers).toEqual(expected);
    // Every reason shows up, so the comparison covers each branch.
    expect(new Set(answers.map((answer) => answer.reason))).toEqual(
      new Set(['GRANTED', 'DENIED', 'EXPIRED', 'PENDING', 'NO_CONSENT', 'UNKNOWN_CUSTOMER']),
    );
  });

  it('holds no personal data in its answer', async () => {
    const response = await running.graphql(eligibilityQuery, { ids: ids.slice(0, 100), channel: 'EMAIL', purpose: 'MARKETING', contactPoint: 'inbox@example.com' });
    expect(JSON.stringify(response)).not.toContain('@');
  });
});
