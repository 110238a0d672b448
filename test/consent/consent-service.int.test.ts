import { ConsentService } from '../../src/consent/consent-service';
import { collectionNames } from '../../src/store/collections';
import type { CustomerDirectory } from '../../src/identity/customer-directory';
import { openTestStore } from '../harness/store';
import { consentChange } from './support/consent-change';

describe('ConsentService against the real store', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let consent: ConsentService;
  const directory: CustomerDirectory = {
    resolveId: async (id) => (id === 'ghost' ? null : id === 'merged-away' ? 'survivor' : id),
    holdersOf: async () => new Set<string>(),
  };
  beforeAll(async () => {
    store = await openTestStore();
    consent = new ConsentService({ store, directory, connectedSystems: () => ['crm', 'esp', 'ciam'] });
  });
  afterAll(() => store.dropAndClose());

  it('records a change as an event, makes it current and queues it for every other connected system', async () => {
    const [result] = await consent.recordConsent([consentChange({ customerId: 'c-basic', contactPoint: '  Ann@Example.COM ' })]);
    expect(result).toMatchObject({ customerId: 'c-basic', eventId: 'c-basic#0000000001', current: true, replayed: false, error: null });
    const [view] = await consent.currentConsents('c-basic');
    expect(view).toMatchObject({ channel: 'EMAIL', purpose: 'MARKETING', contactPoint: 'ann@example.com', status: 'GRANTED' });
    const outbox = await store.collection(collectionNames.consentOutbox).find({ eventId: result!.eventId }).toArray();
    expect(outbox.map((row) => row.system).sort()).toEqual(['ciam', 'esp']);
  });

  it('keeps a change captured before the held one in history without making it current', async () => {
    const now = Date.now();
    await consent.recordConsent([consentChange({ customerId: 'c-late', status: 'DENIED', capturedAt: new Date(now - 1000) })]);
    const [late] = await consent.recordConsent([consentChange({ customerId: 'c-late', status: 'GRANTED', capturedAt: new Date(now - 5000) })]);
    expect(late).toMatchObject({ current: false, error: null });
    expect((await consent.currentConsents('c-late'))[0]!.status).toBe('DENIED');
    const history = await consent.consentHistory('c-late');
    expect(history.edges.map((edge) => edge.node.consent?.to)).toEqual(['GRANTED', 'DENIED']);
    // `from` is what was in force at each capture: nothing before the late grant, the grant before the denial.
    expect(history.edges[0]!.node).toMatchObject({ current: false, consent: { from: 'UNKNOWN', to: 'GRANTED' } });
    expect(history.edges[1]!.node).toMatchObject({ current: true, consent: { from: 'GRANTED', to: 'DENIED' } });
  });

  it('answers a retry with the first event and writes nothing; the same key with another payload is CONFLICT', async () => {
    const change = consentChange({ customerId: 'c-idem', idempotencyKey: 'form-submit-42' });
    const [first] = await consent.recordConsent([change]);
    const count = () => store.collection(collectionNames.consentEvents).countDocuments({ customerId: 'c-idem' });
    const before = await count();
    const [retry] = await consent.recordConsent([{ ...change }]);
    expect(retry).toMatchObject({ eventId: first!.eventId, current: first!.current, replayed: true, error: null });
    expect(await count()).toBe(before);
    const [other] = await consent.recordConsent([{ ...change, status: 'DENIED' }]);
    expect(other!.error).toMatchObject({ code: 'CONFLICT', field: 'changes[0].idempotencyKey' });
    expect(await count()).toBe(before);
  });

  it('writes a merged-away id to its survivor and answers NOT_FOUND for an unknown one', async () => {
    const results = await consent.recordConsent([
      consentChange({ customerId: 'merged-away' }),
      consentChange({ customerId: 'ghost' }),
    ]);
    expect(results[0]).toMatchObject({ customerId: 'survivor', error: null });
    expect(results[1]).toMatchObject({ eventId: null, error: { code: 'NOT_FOUND', field: 'changes[1].customerId' } });
    await expect(consent.consentAt('ghost', new Date())).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
  });

  it('reads a grant past its expiry as EXPIRED, never GRANTED', async () => {
    const capturedAt = new Date(Date.now() - 10_000);
    await consent.recordConsent([consentChange({ customerId: 'c-exp', capturedAt, expiresAt: new Date(Date.now() - 1000) })]);
    expect((await consent.currentConsents('c-exp'))[0]).toMatchObject({ status: 'EXPIRED', recordedStatus: 'GRANTED' });
    const [answer] = await consent.contactEligibility(['c-exp'], 'EMAIL', 'MARKETING');
    expect(answer).toEqual({ customerId: 'c-exp', allowed: false, reason: 'EXPIRED', excludedContactPoints: [] });
  });

  it('confirms a double opt-in once: PENDING becomes GRANTED, a second use is CONFLICT', async () => {
    const [pending] = await consent.recordConsent([consentChange({ customerId: 'c-doi', status: 'PENDING', contactPoint: 'doi@example.com' })]);
    expect(pending!.confirmationToken).toEqual(expect.any(String));
    expect((await consent.contactEligibility(['c-doi'], 'EMAIL', 'MARKETING', 'doi@example.com'))[0]!.reason).toBe('PENDING');
    const confirmed = await consent.confirmDoubleOptIn(pending!.confirmationToken!, { ip: '198.51.100.1' });
    expect(confirmed).toMatchObject({ customerId: 'c-doi', current: true, error: null });
    expect((await consent.contactEligibility(['c-doi'], 'EMAIL', 'MARKETING', 'doi@example.com'))[0]).toMatchObject({ allowed: true });
    await expect(consent.confirmDoubleOptIn(pending!.confirmationToken!)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    await expect(consent.confirmDoubleOptIn(`${pending!.confirmationToken!}x`)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('lets an unconfirmed double opt-in lapse: expired tokens are refused and it reads EXPIRED', async () => {
    const capturedAt = new Date(Date.now() - 3000);
    const [pending] = await consent.recordConsent([
      consentChange({ customerId: 'c-doi-late', status: 'PENDING', capturedAt, expiresAt: new Date(Date.now() - 1000) }),
    ]);
    await expect(consent.confirmDoubleOptIn(pending!.confirmationToken!)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'token' },
    });
    expect((await consent.currentConsents('c-doi-late'))[0]!.status).toBe('EXPIRED');
  });

  it('records preferences per field: newest capture wins, fields left out stay', async () => {
    const base = { customerId: 'c-pref', source: { system: 'web', recordId: 'p1' }, actor: { kind: 'CUSTOMER' as const, id: 'c-pref' }, method: 'WEB_FORM' as const };
    await consent.updatePreferences([
      { ...base, topics: ['OFFERS', 'NEWSLETTER'], frequency: 'WEEKLY', language: 'en-gb', capturedAt: new Date(Date.now() - 5000) },
      { ...base, frequency: 'MONTHLY', capturedAt: new Date(Date.now() - 2000) },
      { ...base, language: 'fr-FR', capturedAt: new Date(Date.now() - 9000) },
    ]);
    expect(await consent.currentPreferences('c-pref')).toMatchObject({
      topics: ['NEWSLETTER', 'OFFERS'],
      frequency: 'MONTHLY',
      language: 'en-GB',
      preferredChannel: null,
    });
  });

  it('tells registered customers without consent (NO_CONSENT) from unknown ones (UNKNOWN_CUSTOMER)', async () => {
    await consent.registerCustomers(['c-reg-1', 'c-reg-2', 'c-reg-1']);
    await consent.registerCustomers(['c-reg-2']);
    const answers = await consent.contactEligibility(['c-reg-1', 'c-never'], 'SMS', 'SERVICE');
    expect(answers.map((answer) => answer.reason)).toEqual(['NO_CONSENT', 'UNKNOWN_CUSTOMER']);
  });

  it('pages history with cursors, newest first, and filters by channel', async () => {
    const capturedAt = new Date(Date.now() - 60_000);
    await consent.recordConsent(
      Array.from({ length: 5 }, (_, i) =>
        consentChange({ customerId: 'c-page', channel: i % 2 ? 'SMS' : 'EMAIL', capturedAt: new Date(capturedAt.getTime() + i) }),
      ),
    );
    const first = await consent.consentHistory('c-page', {}, 2);
    expect(first.edges.map((edge) => edge.node.seq)).toEqual([5, 4]);
    const second = await consent.consentHistory('c-page', {}, 2, first.pageInfo.endCursor);
    expect(second.edges.map((edge) => edge.node.seq)).toEqual([3, 2]);
    const rest = await consent.consentHistory('c-page', {}, 2, second.pageInfo.endCursor);
    expect(rest).toMatchObject({ pageInfo: { hasNextPage: false } });
    expect(rest.edges.map((edge) => edge.node.seq)).toEqual([1]);
    const sms = await consent.consentHistory('c-page', { channel: 'SMS' }, 10);
    expect(sms.edges.map((edge) => edge.node.seq)).toEqual([4, 2]);
  });

  it('heals a state left behind its log when a reader finds it', async () => {
    await consent.recordConsent([consentChange({ customerId: 'c-heal', status: 'GRANTED' })]);
    await consent.recordConsent([consentChange({ customerId: 'c-heal', status: 'DENIED' })]);
    // Simulate a lost update: put back the state as it was after the first event.
    await store.collection(collectionNames.consentState).updateOne({ _id: 'c-heal' as never }, { $set: { seq: 1, consents: [] } });
    expect((await consent.storedState('c-heal'))!.seq).toBe(1);
    expect((await consent.currentConsents('c-heal'))[0]!.recordedStatus).toBe('DENIED');
    expect((await consent.storedState('c-heal'))!.seq).toBe(2);
  });
});
