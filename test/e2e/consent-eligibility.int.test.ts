import type { CommandStartedEvent } from 'mongodb';
import { ConsentService } from '../../src/consent/consent-service';
import type { ConsentChangeInput } from '../../src/consent/consent-inputs';
import { collectionNames } from '../../src/store/collections';
import { openTestStore } from '../harness/store';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { seededRandom } from '../consent/support/seeded-random';

const eligibilityQuery = `query ($ids: [ID!]!, $channel: String!, $purpose: String!, $contactPoint: String) {
  contactEligibility(customerIds: $ids, channel: $channel, purpose: $purpose, contactPoint: $contactPoint) { customerId allowed reason excludedContactPoints } }`;

interface Answer {
  customerId: string;
  allowed: boolean;
  reason: string;
  excludedContactPoints: string[] | null;
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
        case 4: return [{ ...first, contactPoint: 'x@example.com', status: 'DENIED' }]; // only for another address
        case 5: return [{ ...first, contactPoint: 'inbox@example.com' }, { ...base, status: 'DENIED', capturedAt: at(90) }];
        default: return [{ ...base, purpose: 'SERVICE', status: 'GRANTED', capturedAt: at(10) }]; // another purpose
      }
    });
    for (let start = 0; start < changes.length; start += 1000) {
      const results = await consent.recordConsent(changes.slice(start, start + 1000));
      expect(results.filter((result) => result.error !== null)).toEqual([]);
    }
    await consent.registerCustomers(registeredOnly);
    await consent.drain(); // the writes' background clean-up is done before any store command is counted
  }, 120_000); // 1,000 customers written through the service: seconds normally, more on a busy machine
  afterAll(async () => {
    await running.stop();
    await store.dropAndClose();
  });

  it.each([
    ['for the channel', null],
    ['for a contact point', 'Inbox@Example.com'],
  ])('answers %s with ONE query to the store, and the same as consentAt(now) for every customer', async (_question, contactPoint) => {
    commands.length = 0;
    const response = await running.graphql<{ contactEligibility: Answer[] }>(eligibilityQuery, { ids, channel: 'EMAIL', purpose: 'MARKETING', contactPoint });
    expect(response.errors).toBeUndefined();
    // No identity graph here (acceptAnyCustomer): only a customer's own consents make a contact point known.
    // (The API key's check, a read cached for 10 s, and the access record written after the answer are access's, not counted here.)
    const eligibility = commands.filter((event) => !String(event.command[event.commandName]).startsWith('access_'));
    expect(eligibility.map((event) => [event.commandName, event.command[event.commandName]])).toEqual([['find', collectionNames.consentState]]);
    const answers = response.data!.contactEligibility;
    expect(answers.map((answer) => answer.customerId)).toEqual(ids);

    const point = contactPoint?.toLowerCase() ?? null;
    const expectedOf = async (customerId: string): Promise<Answer> => {
      const excludedContactPoints = point === null ? [] : null;
      if (unknown.includes(customerId)) return { customerId, allowed: false, reason: 'UNKNOWN_CUSTOMER', excludedContactPoints };
      // consentAt(now): the contact point's own consent decides, else the channel-wide one; a point the customer never consented for is unknown.
      const inForce = await consent.consentAt(customerId, new Date());
      const own = inForce.filter((view) => view.channel === 'EMAIL' && view.purpose === 'MARKETING');
      const excluded = point === null ? own.filter((view) => view.contactPoint !== null && view.status !== 'GRANTED').map((view) => view.contactPoint!) : null;
      if (point !== null && !inForce.some((view) => view.contactPoint === point)) {
        return { customerId, allowed: false, reason: 'UNKNOWN_CONTACT_POINT', excludedContactPoints };
      }
      const deciding = own.find((view) => point !== null && view.contactPoint === point) ?? own.find((view) => view.contactPoint === null);
      const status = deciding?.status ?? 'UNKNOWN';
      return { customerId, allowed: status === 'GRANTED', reason: status === 'UNKNOWN' ? 'NO_CONSENT' : status, excludedContactPoints: excluded };
    };
    const expected: Answer[] = new Array(ids.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < ids.length; i = next++) expected[i] = await expectedOf(ids[i]!);
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(answers).toEqual(expected);
    // Every reason shows up, so the comparison covers each branch.
    const reasons = point === null ? ['GRANTED', 'DENIED', 'EXPIRED', 'PENDING', 'NO_CONSENT', 'UNKNOWN_CUSTOMER'] : ['GRANTED', 'UNKNOWN_CONTACT_POINT', 'UNKNOWN_CUSTOMER'];
    expect(new Set(answers.map((answer) => answer.reason))).toEqual(new Set(reasons));
    if (point === null) expect(answers.some((answer) => answer.excludedContactPoints?.includes('x@example.com'))).toBe(true);
  });

  it('holds no personal data in its answer unless excludedContactPoints is asked for', async () => {
    const query = eligibilityQuery.replace(' excludedContactPoints', '');
    const response = await running.graphql(query, { ids: ids.slice(0, 100), channel: 'EMAIL', purpose: 'MARKETING', contactPoint: 'inbox@example.com' });
    expect(JSON.stringify(response)).not.toContain('@');
  });
});
