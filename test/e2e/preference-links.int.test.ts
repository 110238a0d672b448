import { decodeJwt } from 'jose';
import { ConsentService } from '../../src/consent/consent-service';
import { createCustomerServices, type CustomerServices } from '../../src/profile/create-customer-services';
import { collectionNames } from '../../src/store/collections';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { openTestStore } from '../harness/store';

const CREATE = `mutation Link($customerId: ID!, $purpose: String!) {
  createPreferenceLink(customerId: $customerId, purpose: $purpose) { url unsubscribeUrl expiresAt purpose }
}`;

interface Link {
  url: string;
  unsubscribeUrl: string;
  expiresAt: string;
  purpose: string;
}

describe('createPreferenceLink: a signed, expiring link to one customer\'s preference centre', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let customers: CustomerServices;
  let gateway: RunningGateway;
  let ann: string;
  let bob: string;

  beforeAll(async () => {
    store = await openTestStore();
    customers = createCustomerServices({ store, adapters: [] });
    const consent = new ConsentService({ store, directory: customers.directory });
    gateway = await startTestGateway(store, { directory: customers.directory, consent, profiles: customers.profiles, identity: customers.identity });
    ann = await customers.graph.createCustomer('test');
    bob = await customers.graph.createCustomer('test');
  });
  afterAll(async () => {
    await gateway.stop();
    await store.dropAndClose();
  });

  const create = (who: Parameters<RunningGateway['graphqlAs']>[0], customerId: string, purpose = 'MARKETING') =>
    gateway.graphqlAs<{ createPreferenceLink: Link | null }>(who, CREATE, { customerId, purpose });
  const tokenOf = (link: Link) => decodeURIComponent(/#token=([^&]+)$/.exec(link.url)![1]!);

  it('gives a support agent the page URL with the token in its fragment, the List-Unsubscribe URI with the same token, the expiry and the purpose', async () => {
    const before = Date.now();
    const { data, errors } = await create('support-agent', ann);
    expect(errors).toBeUndefined();
    const link = data!.createPreferenceLink!;
    expect(link.url).toMatch(new RegExp(`^${gateway.baseUrl}/preferences#token=[A-Za-z0-9._-]+$`));
    expect(link.unsubscribeUrl).toBe(`${gateway.baseUrl}/preferences/unsubscribe?token=${tokenOf(link)}`);
    expect(link.purpose).toBe('MARKETING');
    const expiresInDays = (Date.parse(link.expiresAt) - before) / 86_400_000;
    expect(expiresInDays).toBeGreaterThan(29.9);
    expect(expiresInDays).toBeLessThan(30.1);
    // The token carries the customer and the purpose, and nothing personal.
    expect(decodeJwt(tokenOf(link))).toMatchObject({ sub: ann, purpose: 'MARKETING', aud: 'preference-centre', jti: expect.any(String) });
  });

  it('makes a token that acts as that customer only: their own consents, nobody else\'s', async () => {
    const link = (await create('internal-app', ann, 'PROFILING')).data!.createPreferenceLink!;
    const credential = { credential: tokenOf(link) };
    const own = await gateway.graphqlAs<{ customer: { id: string } }>(credential, 'query($id: ID!) { customer(by: { id: $id }) { id consents { status } } }', { id: ann });
    expect(own.errors).toBeUndefined();
    expect(own.data!.customer.id).toBe(ann);
    const other = await gateway.graphqlAs(credential, 'query($id: ID!) { customer(by: { id: $id }) { id } }', { id: bob });
    expect(other.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    // The link is no way to make more links.
    expect((await create(credential, ann)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it.each(['offer-engine', 'data-steward', 'compliance-officer'] as const)('refuses %s with FORBIDDEN and makes nothing', async (role) => {
    const { data, errors } = await create(role, ann);
    expect(data!.createPreferenceLink).toBeNull();
    expect(errors![0]).toMatchObject({ path: ['createPreferenceLink'], extensions: { code: 'FORBIDDEN' } });
  });

  it('refuses a purpose outside the vocabulary with BAD_USER_INPUT naming `purpose`, and an unknown customer with NOT_FOUND', async () => {
    const badPurpose = await create('support-agent', ann, 'SPAM');
    expect(badPurpose.errors![0]).toMatchObject({ message: expect.stringMatching(/^purpose: must be one of MARKETING, SERVICE/), extensions: { code: 'BAD_USER_INPUT', field: 'purpose' } });
    const unknown = await create('support-agent', 'cus_000000000ffffffffffffffff');
    expect(unknown.errors![0]).toMatchObject({ extensions: { code: 'NOT_FOUND', field: 'customerId' } });
  });

  it('scopes a link asked for a merged-away id to the survivor', async () => {
    const older = await customers.graph.createCustomer('test');
    const newer = await customers.graph.createCustomer('test');
    const survivor = await customers.graph.mergeClusters(older, newer, { rule: 'manual', actor: 'test', at: new Date() });
    expect(survivor).toBe(older);
    const link = (await create('support-agent', newer)).data!.createPreferenceLink!;
    expect(decodeJwt(tokenOf(link)).sub).toBe(older);
    // Its one-click unsubscribe lands on the survivor's log.
    const answer = await fetch(link.unsubscribeUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(answer.status).toBe(200);
    expect(await store.collection(collectionNames.consentEvents).countDocuments({ customerId: older })).toBe(1);
    expect(await store.collection(collectionNames.consentEvents).countDocuments({ customerId: newer })).toBe(0);
  });
});
