import { collectionNames } from '../../src/store/collections';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { startTestIssuer, type TestIssuer } from '../harness/oidc-issuer';
import { openTestStore } from '../harness/store';
import { keySecretOf } from '../harness/api-key-parts';

const AUDIENCE = 'customer-profile-gateway';
const QUERY = JSON.stringify({ query: '{ systems { name } }' });
/** A mutation that would write, to show that a refused request changes nothing. */
const WRITE = JSON.stringify({
  query: `mutation { recordConsent(changes: [{ customerId: "cus_auth", channel: "EMAIL", purpose: "MARKETING", status: "GRANTED",
    capturedAt: "2026-01-05T10:00:00Z", method: WEB_FORM, source: { system: "web", recordId: "f-1" }, actor: { kind: CUSTOMER, id: "self" } }]) { eventId } }`,
});

describe('every request carries a principal, or is refused before its operation is read', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let gateway: RunningGateway;
  let issuer: TestIssuer;

  beforeAll(async () => {
    store = await openTestStore();
    issuer = await startTestIssuer(AUDIENCE);
    gateway = await startTestGateway(store, {}, { oidc: { issuer: issuer.issuer, audience: AUDIENCE, rolesClaim: "realm_access.roles", clockToleranceSeconds: 5 } });
  });
  afterAll(async () => {
    await gateway.stop();
    await issuer.stop();
    await store.dropAndClose();
  });

  const send = async (authorization: string | null, body = QUERY) => {
    const response = await fetch(`${gateway.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization !== null && { authorization }) },
      body,
    });
    return { status: response.status, challenge: response.headers.get('www-authenticate'), body: (await response.json()) as { data?: unknown; errors?: { message: string; extensions: { code: string } }[] } };
  };
  const refusal = (answer: Awaited<ReturnType<typeof send>>) => ({ status: answer.status, code: answer.body.errors?.[0]?.extensions.code, message: answer.body.errors?.[0]?.message });

  it('refuses a request without credentials with 401, a challenge and a message saying what to send, and runs nothing', async () => {
    const answer = await send(null, WRITE);
    expect(refusal(answer)).toEqual({ status: 401, code: 'UNAUTHENTICATED', message: 'Send `Authorization: Bearer <API key or access token>`.' });
    expect(answer.challenge).toBe('Bearer realm="customer-profile-gateway"');
    expect(answer.body.data).toBeUndefined();
    expect(await store.collection(collectionNames.consentEvents).countDocuments({ customerId: 'cus_auth' })).toBe(0);
  });

  it('refuses a malformed header, a malformed key and an unknown key, each with a clear message', async () => {
    expect(refusal(await send('Basic dXNlcjpwYXNz'))).toEqual({ status: 401, code: 'UNAUTHENTICATED', message: 'The Authorization header must be `Bearer <API key or access token>`.' });
    expect(refusal(await send('Bearer cpgk_short'))).toMatchObject({ status: 401, message: expect.stringContaining('malformed') });
    const { key } = await gateway.access.apiKeys.create({ name: 'real', role: 'support-agent', createdBy: 'test' });
    const forged = `${key.slice(0, -4)}AAAA`;
    const answer = await send(`Bearer ${forged}`);
    expect(refusal(answer)).toEqual({ status: 401, code: 'UNAUTHENTICATED', message: 'The API key is not valid; ask an admin for a key.' });
    expect(answer.challenge).toContain('error="invalid_token"');
    expect(JSON.stringify(answer.body)).not.toContain(forged);
  });

  it('accepts a valid API key; keeps only a hash of its secret; refuses it once revoked and once expired', async () => {
    const { key, info } = await gateway.access.apiKeys.create({ name: 'offers', role: 'offer-engine', createdBy: 'test' });
    expect((await send(`Bearer ${key}`)).status).toBe(200);
    const stored = await store.collection(collectionNames.accessApiKeys).findOne({ _id: info.id as never });
    expect(JSON.stringify(stored)).not.toContain(keySecretOf(key));
    expect((await gateway.access.apiKeys.list()).find((listed) => listed.id === info.id)).not.toHaveProperty('secretHash');

    await gateway.access.apiKeys.revoke(info.id);
    expect(refusal(await send(`Bearer ${key}`))).toEqual({ status: 401, code: 'UNAUTHENTICATED', message: 'The API key "offers" was revoked; ask an admin for a new one.' });

    const soon = await gateway.access.apiKeys.create({ name: 'short-lived', role: 'internal-app', createdBy: 'test', expiresAt: new Date(Date.now() + 1500) });
    expect((await send(`Bearer ${soon.key}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(refusal(await send(`Bearer ${soon.key}`))).toMatchObject({ status: 401, message: expect.stringMatching(/^The API key "short-lived" expired at /) });
  });

  it('runs only the named operations for a key limited to them', async () => {
    const { key } = await gateway.access.apiKeys.create({ name: 'one job', role: 'internal-app', createdBy: 'test', allowedOperations: ['ListSystems'] });
    const named = await send(`Bearer ${key}`, JSON.stringify({ query: 'query ListSystems { systems { name } }', operationName: 'ListSystems' }));
    expect(named.status).toBe(200);
    const other = await send(`Bearer ${key}`, JSON.stringify({ query: 'query Other { systems { name } }' }));
    expect(refusal(other)).toEqual({ status: 403, code: 'FORBIDDEN', message: 'This API key may run only the operations ListSystems; send one of them by name (not Other).' });
  });

  it('accepts a person\'s access token verified against the issuer\'s JWKS, with roles from the configured claim', async () => {
    const token = await issuer.token({ sub: 'agent-42', realm_access: { roles: ['support-agent', 'unrelated'] } });
    expect((await send(`Bearer ${token}`)).status).toBe(200);
    expect(issuer.jwksFetches()).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['expired', { sub: 'a', realm_access: { roles: ['support-agent'] }, expiresIn: Math.floor(Date.now() / 1000) - 600 }, 401, 'The access token has expired; sign in again.'],
    ['for another audience', { sub: 'a', aud: 'another-api', realm_access: { roles: ['support-agent'] } }, 401, 'The access token was issued for another audience; ask for a token for this gateway.'],
    ['from another issuer', { sub: 'a', iss: 'https://elsewhere.example', realm_access: { roles: ['support-agent'] } }, 401, 'The access token is from an issuer this gateway does not trust.'],
    ['signed by a key the issuer does not publish', { sub: 'a', key: 'other' as const, realm_access: { roles: ['support-agent'] } }, 401, "The access token's signature does not verify; it was not issued by the trusted identity provider."],
    ['without a gateway role', { sub: 'a', realm_access: { roles: ['unrelated'] } }, 403, 'The access token carries no gateway role in its `realm_access.roles` claim; ask an admin to grant one.'],
  ])('refuses a token %s, and runs nothing', async (_case, claims, status, message) => {
    const answer = await send(`Bearer ${await issuer.token(claims)}`, WRITE);
    expect(refusal(answer)).toEqual({ status, code: status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', message });
    expect(await store.collection(collectionNames.consentEvents).countDocuments({ customerId: 'cus_auth' })).toBe(0);
  });

  it('accepts a customer\'s preference-centre link, and refuses one that was tampered with or has expired', async () => {
    const link = await gateway.access.preferenceLinks.issue('cus_link');
    expect((await send(`Bearer ${link}`)).status).toBe(200);
    const [header, payload, signature] = link.split('.') as [string, string, string];
    const otherCustomer = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'cus_someone_else' })).toString('base64url');
    expect(refusal(await send(`Bearer ${header}.${otherCustomer}.${signature}`))).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
      message: 'The preference-centre link is not valid; use the whole link as it was sent.',
    });
    const expired = await gateway.access.preferenceLinks.issue('cus_link', -60);
    expect(refusal(await send(`Bearer ${expired}`))).toMatchObject({ status: 401, message: 'The preference-centre link has expired; ask for a new one.' });
  });
});
