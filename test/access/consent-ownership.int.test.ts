import type { ComposedServices } from '../../src/compose-services';
import type { GraphQLErrorBody, RunningGateway } from '../harness/gateway';
import { startGatewayWithCustomers } from '../harness/named-customers';
import { openTestStore } from '../harness/store';
import { DoubleOptInTokens } from '../../src/consent/double-opt-in-token';

const RECORD = `mutation($changes: [ConsentChangeInput!]!) { recordConsent(changes: $changes) { customerId eventId error { code } } }`;
const HISTORY = `query($id: ID!) { consentHistory(customerId: $id) { edges { node { actor { kind id } recordedBy { id kind roles } consent { channel to } } } } }`;

interface HistoryNode {
  actor: { kind: string; id: string };
  recordedBy: { id: string; kind: string; roles: string[] } | null;
  consent: { channel: string; to: string } | null;
}

describe('consents belong to their customer: a customer reads and changes only their own, and every change records who sent it', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let composed: ComposedServices;
  let gateway: RunningGateway;
  let ids: Record<'ann' | 'bob' | 'cat' | 'dan', string>;
  let annLink: { credential: string };

  beforeAll(async () => {
    store = await openTestStore();
    ({ composed, gateway, ids } = await startGatewayWithCustomers(store, ['ann', 'bob', 'cat', 'dan']));
    annLink = { credential: await gateway.access.preferenceLinks.issue(ids.ann) };
  });
  afterAll(async () => {
    await gateway.stop();
    await store.dropAndClose();
  });

  const change = (customerId: string, overrides: Record<string, unknown> = {}) => ({
    customerId,
    channel: 'EMAIL',
    purpose: 'MARKETING',
    status: 'GRANTED',
    capturedAt: new Date(Date.now() - 1000).toISOString(),
    source: { system: 'preference-centre', recordId: 'form-1' },
    method: 'WEB_FORM',
    ...overrides,
  });
  const history = async (customerId: string) =>
    (await gateway.graphql<{ consentHistory: { edges: { node: HistoryNode }[] } }>(HISTORY, { id: customerId })).data!.consentHistory.edges.map((edge) => edge.node);
  const forbiddenAt = (errors: GraphQLErrorBody[] | undefined, path: string) =>
    expect(errors).toEqual([expect.objectContaining({ path: [path], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);

  it("records a customer's own change as theirs (actor CUSTOMER, their id) and keeps the link that sent it beside it", async () => {
    const { data, errors } = await gateway.graphqlAs<{ recordConsent: { customerId: string }[] }>(annLink, RECORD, { changes: [change(ids.ann, { channel: 'PHONE' })] });
    expect(errors).toBeUndefined();
    expect(data!.recordConsent[0]!.customerId).toBe(ids.ann);
    const [event] = await history(ids.ann);
    expect(event).toMatchObject({
      actor: { kind: 'CUSTOMER', id: ids.ann },
      recordedBy: { id: `customer:${ids.ann}`, kind: 'CUSTOMER', roles: ['customer'] },
    });
    const own = await gateway.graphqlAs<{ customer: { id: string; consents: { channel: string }[]; preferences: unknown } }>(
      annLink,
      'query($id: ID!) { customer(by: { id: $id }) { id consents { channel contactPoint status } preferences { topics } } mine: consentHistory(customerId: $id) { edges { node { id } } } }',
      { id: ids.ann },
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.customer.consents).toEqual([expect.objectContaining({ channel: 'PHONE' })]);
  });

  it("refuses a customer's own grant on a double opt-in channel (EMAIL), and never shows them the confirmation token", async () => {
    // Dan's own link: a customer's rate limit is per link, and Ann's is busy in the other tests.
    const danLink = { credential: await gateway.access.preferenceLinks.issue(ids.dan) };
    const before = (await history(ids.dan)).length;
    const granted = await gateway.graphqlAs<{ recordConsent: unknown }>(danLink, RECORD, { changes: [change(ids.dan)] });
    expect(granted.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'changes[0].status' }), message: expect.stringMatching(/double opt-in: record PENDING/) }),
    ]);
    expect(await history(ids.dan)).toHaveLength(before);

    const pending = await gateway.graphqlAs<{ recordConsent: { eventId: string; confirmationToken: string | null }[] }>(
      danLink,
      'mutation($changes: [ConsentChangeInput!]!) { recordConsent(changes: $changes) { eventId confirmationToken } }',
      { changes: [change(ids.dan, { status: 'PENDING' })] },
    );
    // The token proves the person read the email it was sent in: the link that asked cannot read it.
    expect(pending.data!.recordConsent[0]!.eventId).toEqual(expect.any(String));
    expect(pending.data!.recordConsent[0]!.confirmationToken).toBeNull();
    expect(pending.errors).toEqual([expect.objectContaining({ path: ['recordConsent', 0, 'confirmationToken'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
  });

  it("records the IP address and user agent the gateway saw with a customer's own change and confirmation, not what the browser says", async () => {
    const post = async <T>(query: string, variables: Record<string, unknown>) => {
      const response = await gateway.fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${annLink.credential}`, 'user-agent': 'EvidenceTest/1.0', 'x-forwarded-for': '192.0.2.99' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data?: T; errors?: unknown };
    };
    const evidence = { noticeVersion: 'preference-centre/test', textShown: 'Send me push notifications.', ip: '203.0.113.50', userAgent: 'forged', locale: 'en-gb' };
    const recorded = await post<{ recordConsent: { error: unknown }[] }>(RECORD, { changes: [change(ids.ann, { channel: 'PUSH', evidence })] });
    expect(recorded.errors).toBeUndefined();
    const pending = await post<{ recordConsent: { eventId: string }[] }>(
      'mutation($changes: [ConsentChangeInput!]!) { recordConsent(changes: $changes) { eventId } }',
      { changes: [change(ids.ann, { purpose: 'SERVICE', status: 'PENDING', evidence })] },
    );
    // The token the confirmation email carries (the customer's link cannot read it).
    const token = await new DoubleOptInTokens(store).sign(pending.data!.recordConsent[0]!.eventId);
    const confirmed = await post<{ confirmDoubleOptIn: { current: boolean } }>(
      'mutation($token: String!, $evidence: EvidenceInput) { confirmDoubleOptIn(token: $token, evidence: $evidence) { current } }',
      { token, evidence: { ...evidence, textShown: 'Yes, confirm.' } },
    );
    expect(confirmed.data!.confirmDoubleOptIn.current).toBe(true);

    const { data } = await gateway.graphql<{ consentHistory: { edges: { node: { method: string; evidence: Record<string, unknown> } }[] } }>(
      'query($id: ID!) { consentHistory(customerId: $id, first: 3) { edges { node { method evidence { noticeVersion textShown ip userAgent locale } } } } }',
      { id: ids.ann },
    );
    const [confirmation, pendingEvent, push] = data!.consentHistory.edges.map((edge) => edge.node);
    const seen = { ip: '127.0.0.1', userAgent: 'EvidenceTest/1.0', locale: 'en-GB', noticeVersion: 'preference-centre/test' };
    expect(push!.evidence).toEqual({ ...seen, textShown: 'Send me push notifications.' });
    expect(pendingEvent!.evidence).toMatchObject(seen);
    expect(confirmation).toEqual({ method: 'EMAIL_LINK', evidence: { ...seen, textShown: 'Yes, confirm.' } });
  });

  it("refuses another customer's consents, reads and writes alike, and writes nothing", async () => {
    await gateway.graphql(RECORD, { changes: [change(ids.bob, { actor: { kind: 'CUSTOMER', id: ids.bob }, idempotencyKey: 'bob-1' })] });
    const read = await gateway.graphqlAs<{ customer: unknown }>(annLink, 'query($id: ID!) { customer(by: { id: $id }) { id consents { channel } } }', { id: ids.bob });
    expect(read.data!.customer).toBeNull();
    forbiddenAt(read.errors, 'customer');
    expect(read.errors![0]!.message).toMatch(/Query\.customer.*role customer/);
    const byEmail = await gateway.graphqlAs(annLink, '{ customer(by: { email: "ann@example.com" }) { id } }');
    forbiddenAt(byEmail.errors, 'customer');
    const theirHistory = await gateway.graphqlAs(annLink, HISTORY, { id: ids.bob });
    forbiddenAt(theirHistory.errors, 'consentHistory');

    const before = (await history(ids.bob)).length;
    const write = await gateway.graphqlAs<{ recordConsent: unknown }>(annLink, RECORD, { changes: [change(ids.bob, { status: 'DENIED' })] });
    expect(write.data!.recordConsent).toBeNull();
    forbiddenAt(write.errors, 'recordConsent');
    // One change of someone else's among one's own: the whole request is refused.
    const mixed = await gateway.graphqlAs(annLink, RECORD, { changes: [change(ids.ann, { channel: 'SMS' }), change(ids.bob, { status: 'DENIED' })] });
    forbiddenAt(mixed.errors, 'recordConsent');
    const prefs = await gateway.graphqlAs(
      annLink,
      'mutation($changes: [PreferenceChangeInput!]!) { updatePreferences(changes: $changes) { index } }',
      { changes: [{ customerId: ids.bob, topics: ['OFFERS'], capturedAt: new Date().toISOString(), source: { system: 'preference-centre', recordId: 'p' }, method: 'WEB_FORM' }] },
    );
    forbiddenAt(prefs.errors, 'updatePreferences');
    expect(await history(ids.bob)).toHaveLength(before);
    expect((await history(ids.ann)).some((event) => event.consent?.channel === 'SMS')).toBe(false);
  });

  it('follows merges: an id merged into the customer is theirs, and their link still works once they were merged into another', async () => {
    // Cat is merged into Ann: Cat's old id now answers as Ann, so Ann may use it.
    await gateway.graphql('mutation { linkRecords(records: [{ system: "crm", recordId: "r-ann" }, { system: "crm", recordId: "r-cat" }], reason: "same person") { id } }');
    const survivor = await composed.customers.directory.resolveId(ids.cat);
    expect(survivor).toBe(await composed.customers.directory.resolveId(ids.ann));
    const viaOldId = await gateway.graphqlAs<{ customer: { id: string } }>(annLink, 'query($id: ID!) { customer(by: { id: $id }) { id consents { channel } } }', { id: ids.cat });
    expect(viaOldId.errors).toBeUndefined();
    expect(viaOldId.data!.customer.id).toBe(survivor);
    const bob = await gateway.graphqlAs(annLink, 'query($id: ID!) { customer(by: { id: $id }) { id } }', { id: ids.bob });
    forbiddenAt(bob.errors, 'customer');
    // A link issued to Cat before the merge reaches the customer Cat became.
    const catLink = { credential: await gateway.access.preferenceLinks.issue(ids.cat) };
    const survivorRead = await gateway.graphqlAs<{ customer: { id: string } }>(catLink, 'query($id: ID!) { customer(by: { id: $id }) { id } }', { id: survivor });
    expect(survivorRead.errors).toBeUndefined();
    expect(survivorRead.data!.customer.id).toBe(survivor);
  });

  it('lets only the roles that import for a system name an actor; anyone else is recorded as themselves', async () => {
    const agent = await gateway.graphqlAs<{ recordConsent: unknown }>('support-agent', RECORD, {
      changes: [change(ids.bob, { actor: { kind: 'CUSTOMER', id: ids.bob }, idempotencyKey: 'agent-claims' })],
    });
    expect(agent.data!.recordConsent).toBeNull();
    forbiddenAt(agent.errors, 'recordConsent');
    expect(agent.errors![0]!.message).toContain('ConsentChangeInput.actor');
    const asCustomer = await gateway.graphqlAs(annLink, RECORD, { changes: [change(ids.ann, { actor: { kind: 'SYSTEM', id: 'import' } })] });
    forbiddenAt(asCustomer.errors, 'recordConsent');
    expect((await history(ids.bob)).some((event) => event.actor.id !== ids.bob)).toBe(false);

    const onBehalf = await gateway.graphqlAs('support-agent', RECORD, { changes: [change(ids.bob, { status: 'DENIED', method: 'CALL', idempotencyKey: 'agent-call' })] });
    expect(onBehalf.errors).toBeUndefined();
    const agentKey = await gateway.principalIdOf('support-agent');
    expect((await history(ids.bob))[0]).toMatchObject({ actor: { kind: 'SYSTEM', id: agentKey }, recordedBy: { id: agentKey, kind: 'API_KEY', roles: ['support-agent'] } });

    const imported = await gateway.graphqlAs('internal-app', RECORD, {
      changes: [change(ids.bob, { status: 'GRANTED', method: 'IMPORT', actor: { kind: 'CUSTOMER', id: 'crm-contact-77' }, idempotencyKey: 'crm-import' })],
    });
    expect(imported.errors).toBeUndefined();
    const appKey = await gateway.principalIdOf('internal-app');
    expect((await history(ids.bob))[0]).toMatchObject({ actor: { kind: 'CUSTOMER', id: 'crm-contact-77' }, recordedBy: { id: appKey, kind: 'API_KEY', roles: ['internal-app'] } });
  });
});
