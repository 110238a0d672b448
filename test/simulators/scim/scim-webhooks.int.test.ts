import { Webhook } from 'standardwebhooks';
import { CONSENT_EXTENSION_URN } from '../../../simulators/population/vendor-records';
import type { ScimSimulator } from '../../../simulators/scim/scim-simulator';
import { startTestScim, testPopulation, type JsonBody } from '../../harness/simulators';
import { clearWebhooksBetweenTests, startWebhookReceiver, webhookSecret, type WebhookReceiver } from '../../harness/webhook-receiver';

/**
 * The SCIM simulator takes part in propagation: PATCHes are recorded as write-backs, every
 * change stamps meta.lastModified (found by a `meta.lastModified gt` filter) and sends a
 * signed Standard Webhook; a change made in the console is a change, not a write-back.
 */

let simulator: ScimSimulator;
let receiver: WebhookReceiver;
const secret = webhookSecret();

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; body: JsonBody }> {
  const admin = path.startsWith('/__admin/');
  const base = admin ? new URL(simulator.descriptor.baseUrl).origin : simulator.descriptor.baseUrl;
  const response = await fetch(`${base}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${simulator.descriptor.credentials.bearerToken}`, 'content-type': 'application/scim+json' },
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const consentPatch = (value: string): string =>
  JSON.stringify({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'replace', path: `${CONSENT_EXTENSION_URN}:emailMarketing`, value }],
  });

/** A consent value the user does not hold now, so that writing it is a change. */
const flipped = (id: string, attribute: 'emailMarketing' | 'smsMarketing'): string =>
  simulator.getUser(id)![CONSENT_EXTENSION_URN][attribute] === 'granted' ? 'denied' : 'granted';

const changedSince = async (at: string): Promise<string[]> => {
  const { body } = await call(`/Users?filter=${encodeURIComponent(`meta.lastModified gt "${at}"`)}`);
  return (body.Resources as { id: string }[]).map((user) => user.id);
};

beforeAll(async () => {
  simulator = await startTestScim();
  receiver = await startWebhookReceiver();
  expect((await call('/__admin/webhooks', { method: 'POST', body: JSON.stringify({ url: receiver.url, secret }) })).status).toBe(201);
});

clearWebhooksBetweenTests(() => ({ simulator, receiver }));

test('a PATCH sends a user.updated webhook that verifies, with the changed attribute and the user as GET answers it', async () => {
  const user = testPopulation().scimUsers[3]!;
  const value = flipped(user.id, 'emailMarketing');
  const patched = await call(`/Users/${user.id}`, { method: 'PATCH', body: consentPatch(value) });
  expect(patched.status).toBe(200);
  await simulator.webhooksIdle();

  const posts = receiver.posts();
  expect(posts).toHaveLength(1);
  const verified = new Webhook(secret).verify(posts[0]!.body, posts[0]!.headers as Record<string, string>) as JsonBody;
  expect(verified.type).toBe('user.updated');
  expect(verified.data.id).toBe(user.id);
  expect(verified.data.changedFields).toEqual([`${CONSENT_EXTENSION_URN}:emailMarketing`]);
  const read = await call(`/Users/${user.id}`);
  expect(verified.data.record).toEqual(read.body);
  expect(verified.data.record[CONSENT_EXTENSION_URN].emailMarketing).toBe(value);
});

test('a PATCH advances meta.lastModified and meta.version, and a meta.lastModified gt filter finds exactly the changed users', async () => {
  const [first, second] = testPopulation().scimUsers.slice(10, 12);
  const newest = new Date().toISOString();
  const versionBefore = simulator.getUser(first!.id)!.meta.version;
  expect(await changedSince(newest)).toEqual([]);

  const a = await call(`/Users/${first!.id}`, { method: 'PATCH', body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: !first!.active }] }) });
  await call(`/Users/${second!.id}`, { method: 'PATCH', body: consentPatch(flipped(second!.id, 'emailMarketing')) });
  expect(a.body.meta.version).not.toBe(versionBefore);
  expect(a.body.meta.lastModified > newest).toBe(true);
  expect((await changedSince(newest)).sort()).toEqual([first!.id, second!.id].sort());
  // Stamps are strictly increasing: the first change's stamp as a cursor still finds the second.
  expect(await changedSince(a.body.meta.lastModified as string)).toEqual([second!.id]);
});

test('/__admin/writes lists PATCHes, not console changes; a console change is validated, stamps the user and sends a webhook', async () => {
  const [patched, edited] = testPopulation().scimUsers.slice(20, 22);
  const email = flipped(patched!.id, 'emailMarketing');
  await call(`/Users/${patched!.id}`, { method: 'PATCH', body: consentPatch(email) });
  const stampBefore = simulator.getUser(edited!.id)!.meta.lastModified;

  const bad = await call('/__admin/record-change', { method: 'POST', body: JSON.stringify({ id: edited!.id, attributes: { [`${CONSENT_EXTENSION_URN}:smsMarketing`]: 'maybe' } }) });
  expect(bad.status).toBe(400);
  expect(bad.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  const missing = await call('/__admin/record-change', { method: 'POST', body: JSON.stringify({ id: 'nobody', attributes: {} }) });
  expect(missing.status).toBe(404);

  const sms = flipped(edited!.id, 'smsMarketing');
  const ok = await call('/__admin/record-change', {
    method: 'POST',
    body: JSON.stringify({ id: edited!.id, attributes: { [`${CONSENT_EXTENSION_URN}:smsMarketing`]: sms, 'name.givenName': 'Robin' } }),
  });
  expect(ok.status).toBe(200);
  expect(ok.body[CONSENT_EXTENSION_URN].smsMarketing).toBe(sms);
  expect(ok.body.meta.lastModified > stampBefore).toBe(true);

  const { body } = await call('/__admin/writes');
  expect(body.writes).toEqual([{ at: expect.any(String), route: 'users.patch', recordId: patched!.id, body: JSON.parse(consentPatch(email)) }]);
  expect(simulator.writes()).toEqual(body.writes);

  await simulator.webhooksIdle();
  const changes = receiver.posts().map((post) => (JSON.parse(post.body) as JsonBody).data);
  // Different users' webhooks are sent in parallel, so they may arrive in any order.
  expect(changes.map((data) => data.id).sort()).toEqual([patched!.id, edited!.id].sort());
  const consoleChange = changes.find((data) => data.id === edited!.id);
  expect(consoleChange.changedFields.sort()).toEqual(['name', `${CONSENT_EXTENSION_URN}:smsMarketing`].sort());
});

test('a PATCH that changes nothing keeps the version and sends no webhook', async () => {
  const user = testPopulation().scimUsers[30]!;
  const current = simulator.getUser(user.id)![CONSENT_EXTENSION_URN].emailMarketing;
  const version = simulator.getUser(user.id)!.meta.version;
  const answer = await call(`/Users/${user.id}`, { method: 'PATCH', body: consentPatch(current) });
  expect(answer.status).toBe(200);
  expect(answer.body.meta.version).toBe(version);
  await simulator.webhooksIdle();
  expect(receiver.posts()).toHaveLength(0);
});
