import { openTestStore } from '../harness/store';
import { startTestGateway, type RunningGateway } from '../harness/gateway';

const record = `mutation ($changes: [ConsentChangeInput!]!) {
  recordConsent(changes: $changes) { index customerId eventId current replayed confirmationToken error { code message field } } }`;

describe('consent over GraphQL', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let running: RunningGateway;
  beforeAll(async () => {
    store = await openTestStore();
    running = await startTestGateway(store);
  });
  afterAll(async () => {
    await running.stop();
    await store.dropAndClose();
  });

  const change = (overrides: Record<string, unknown> = {}) => ({
    customerId: 'g-1',
    channel: 'EMAIL',
    purpose: 'MARKETING',
    contactPoint: 'ann@example.com',
    status: 'GRANTED',
    capturedAt: '2026-03-03T09:00:00Z',
    source: { system: 'esp', recordId: 'member-1' },
    actor: { kind: 'CUSTOMER', id: 'g-1' },
    method: 'WEB_FORM',
    legalBasis: 'CONSENT',
    evidence: { noticeVersion: 'privacy-v7', textShown: 'Yes, send me offers', ip: '203.0.113.7', userAgent: 'Mozilla/5.0' },
    idempotencyKey: 'signup-g-1',
    ...overrides,
  });

  it('records a change, answers a retry with the same event, and refuses the key for another change', async () => {
    const first = await running.graphql<{ recordConsent: { eventId: string; replayed: boolean }[] }>(record, { changes: [change()] });
    expect(first.errors).toBeUndefined();
    expect(first.data!.recordConsent[0]).toMatchObject({ index: 0, customerId: 'g-1', current: true, replayed: false, error: null });
    const retry = await running.graphql<{ recordConsent: { eventId: string; replayed: boolean }[] }>(record, { changes: [change()] });
    expect(retry.data!.recordConsent[0]).toMatchObject({ eventId: first.data!.recordConsent[0]!.eventId, replayed: true });
    const other = await running.graphql<{ recordConsent: { error: { code: string } }[] }>(record, { changes: [change({ status: 'DENIED' })] });
    expect(other.data!.recordConsent[0]!.error).toMatchObject({ code: 'CONFLICT', field: 'changes[0].idempotencyKey' });
  });

  it('answers history as a connection and consentAt for a past instant with its evidence trail', async () => {
    await running.graphql(record, { changes: [change({ status: 'DENIED', capturedAt: '2026-03-05T09:00:00Z', idempotencyKey: 'unsub-g-1', method: 'EMAIL_LINK' })] });
    const history = await running.graphql<{ consentHistory: { edges: { node: Record<string, unknown> }[]; pageInfo: { hasNextPage: boolean } } }>(
      `{ consentHistory(customerId: "g-1", first: 1) {
          edges { cursor node { seq kind method current consent { channel contactPoint from to } evidence { noticeVersion } source { system } } }
          pageInfo { hasNextPage endCursor } } }`,
    );
    expect(history.errors).toBeUndefined();
    expect(history.data!.consentHistory.edges[0]!.node).toMatchObject({
      seq: 2,
      kind: 'CONSENT',
      method: 'EMAIL_LINK',
      consent: { channel: 'EMAIL', contactPoint: 'ann@example.com', from: 'GRANTED', to: 'DENIED' },
    });
    expect(history.data!.consentHistory.pageInfo.hasNextPage).toBe(true);

    const at = await running.graphql<{ before: { status: string }[]; after: { status: string }[] }>(
      `{ before: consentAt(customerId: "g-1", at: "2026-03-04T00:00:00Z") { channel purpose contactPoint status capturedAt expiresAt source { system recordId } }
         after: consentAt(customerId: "g-1", at: "2026-03-06T00:00:00Z") { status } }`,
    );
    expect(at.errors).toBeUndefined();
    expect(at.data!.before).toEqual([
      { channel: 'EMAIL', purpose: 'MARKETING', contactPoint: 'ann@example.com', status: 'GRANTED', capturedAt: '2026-03-03T09:00:00.000Z', expiresAt: null, source: { system: 'esp', recordId: 'member-1' } },
    ]);
    expect(at.data!.after).toEqual([{ status: 'DENIED' }]);
  });

  it('shows as `from` the state in force at capture, beside the capture and record times, for a change recorded late', async () => {
    const late = (status: string, capturedAt: string, idempotencyKey: string) => change({ customerId: 'g-late', status, capturedAt, idempotencyKey });
    await running.graphql(record, { changes: [late('GRANTED', '2026-01-01T09:00:00Z', 'late-1'), late('DENIED', '2026-02-01T09:00:00Z', 'late-2')] });
    const before = Date.now();
    // Captured on 15 January (a paper form), recorded today, after the February change.
    await running.graphql(record, { changes: [late('DENIED', '2026-01-15T09:00:00Z', 'late-3')] });
    const history = await running.graphql<{ consentHistory: { edges: { node: { seq: number; capturedAt: string; recordedAt: string } }[] } }>(
      `{ consentHistory(customerId: "g-late") { edges { node { seq capturedAt recordedAt consent { from to } } } } }`,
    );
    expect(history.errors).toBeUndefined();
    const nodes = history.data!.consentHistory.edges.map((edge) => edge.node);
    expect(nodes).toMatchObject([
      { seq: 3, capturedAt: '2026-01-15T09:00:00.000Z', consent: { from: 'GRANTED', to: 'DENIED' } },
      { seq: 2, capturedAt: '2026-02-01T09:00:00.000Z', consent: { from: 'DENIED', to: 'DENIED' } },
      { seq: 1, capturedAt: '2026-01-01T09:00:00.000Z', consent: { from: 'UNKNOWN', to: 'GRANTED' } },
    ]);
    expect(Date.parse(nodes[0]!.recordedAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('runs a double opt-in: PENDING, then GRANTED through confirmDoubleOptIn, once', async () => {
    const pending = await running.graphql<{ recordConsent: { confirmationToken: string }[] }>(record, {
      changes: [change({ customerId: 'g-2', status: 'PENDING', capturedAt: new Date().toISOString(), idempotencyKey: 'doi-g-2' })],
    });
    const token = pending.data!.recordConsent[0]!.confirmationToken;
    expect(token).toEqual(expect.any(String));
    const confirm = `mutation ($token: String!) { confirmDoubleOptIn(token: $token, evidence: { ip: "203.0.113.8" }) { customerId current error { code } } }`;
    const confirmed = await running.graphql(confirm, { token });
    expect(confirmed).toEqual({ data: { confirmDoubleOptIn: { customerId: 'g-2', current: true, error: null } } });
    const again = await running.graphql(confirm, { token });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const eligibility = await running.graphql(`{ contactEligibility(customerIds: ["g-2"], channel: "EMAIL", purpose: "MARKETING", contactPoint: "ann@example.com") { customerId allowed reason } }`);
    expect(eligibility).toEqual({ data: { contactEligibility: [{ customerId: 'g-2', allowed: true, reason: 'GRANTED' }] } });
  });

  it('records preferences and lists the accepted vocabulary', async () => {
    const updated = await running.graphql<{ updatePreferences: { error: unknown }[] }>(
      `mutation { updatePreferences(changes: [{ customerId: "g-3", topics: ["OFFERS"], frequency: "WEEKLY", preferredChannel: "SMS", language: "de-DE",
          capturedAt: "2026-03-03T09:00:00Z", source: { system: "web", recordId: "pc-1" }, actor: { kind: CUSTOMER, id: "g-3" }, method: WEB_FORM }]) { eventId error { code } } }`,
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updatePreferences[0]!.error).toBeNull();
    const vocabulary = await running.graphql<{ consentVocabulary: { channels: string[]; purposes: string[] } }>(`{ consentVocabulary { channels purposes topics frequencies } }`);
    expect(vocabulary.data!.consentVocabulary.channels).toContain('EMAIL');
    expect(vocabulary.data!.consentVocabulary.purposes).toContain('THIRD_PARTY');
  });
});
