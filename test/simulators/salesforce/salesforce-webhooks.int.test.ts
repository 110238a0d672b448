import type { Record as SfRecord } from 'jsforce';
import { Webhook } from 'standardwebhooks';
import type { SalesforceSimulator } from '../../../simulators/salesforce/salesforce-simulator';
import { jsforceConnection } from '../../harness/jsforce';
import { startTestSalesforce, testPopulation, type JsonBody } from '../../harness/simulators';
import { clearWebhooksBetweenTests, startWebhookReceiver, webhookSecret, type WebhookReceiver } from '../../harness/webhook-receiver';

/**
 * The Salesforce simulator takes part in propagation: PATCHes are recorded as write-backs,
 * every change stamps SystemModstamp (found by a SOQL change query) and sends a signed
 * Standard Webhook, and a change made in the UI (admin) is a change but not a write-back.
 */

type ContactRow = SfRecord & { Id: string; SystemModstamp: string; HasOptedOutOfEmail: boolean };

let simulator: SalesforceSimulator;
let receiver: WebhookReceiver;
const secret = webhookSecret();

const admin = async (path: string, init: RequestInit = {}): Promise<{ status: number; body: JsonBody }> => {
  const response = await fetch(`${simulator.descriptor.baseUrl}/__admin/${path}`, {
    ...init,
    headers: { 'content-type': 'application/json' },
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
};

beforeAll(async () => {
  simulator = await startTestSalesforce();
  receiver = await startWebhookReceiver();
  const registered = await admin('webhooks', { method: 'POST', body: JSON.stringify({ url: receiver.url, secret }) });
  expect(registered.status).toBe(201);
});

clearWebhooksBetweenTests(() => ({ simulator, receiver }));

test('a jsforce PATCH sends a contact.updated webhook that verifies, carrying the record as GET answers it', async () => {
  const contact = testPopulation().salesforceContacts[5]!;
  const conn = jsforceConnection(simulator);
  const opted = !simulator.getContact(contact.Id)!.HasOptedOutOfEmail;
  const result = await conn.sobject('Contact').update({ Id: contact.Id, HasOptedOutOfEmail: opted });
  expect(result.success).toBe(true);
  await simulator.webhooksIdle();

  const [post, ...more] = receiver.posts();
  expect(more).toHaveLength(0);
  expect(post!.headers['content-type']).toBe('application/json');
  expect(post!.headers['webhook-id']).toMatch(/^msg_[0-9a-f-]{36}$/);
  const verified = new Webhook(secret).verify(post!.body, post!.headers as Record<string, string>) as JsonBody;
  expect(verified.type).toBe('contact.updated');
  expect(verified.data.id).toBe(contact.Id);
  expect(verified.data.changedFields).toEqual(['HasOptedOutOfEmail']);
  expect(Number.isNaN(Date.parse(verified.timestamp))).toBe(false);
  const read = (await conn.sobject('Contact').retrieve(contact.Id)) as JsonBody;
  expect(verified.data.record).toEqual(read);
  expect(verified.data.record.HasOptedOutOfEmail).toBe(opted);

  // A receiver holding another secret refuses it.
  expect(() => new Webhook(webhookSecret()).verify(post!.body, post!.headers as Record<string, string>)).toThrow();
});

test('a PATCH advances SystemModstamp and LastModifiedDate, and a SOQL change query finds exactly the changed contacts', async () => {
  const [first, second] = testPopulation().salesforceContacts.slice(10, 12);
  const conn = jsforceConnection(simulator);
  const before = (await conn.query<ContactRow>(`SELECT Id, SystemModstamp FROM Contact ORDER BY SystemModstamp DESC LIMIT 1`)).records[0]!;
  const cursor = before.SystemModstamp.replace('+0000', 'Z');

  await conn.sobject('Contact').update({ Id: first!.Id, DoNotCall: !simulator.getContact(first!.Id)!.DoNotCall });
  await conn.sobject('Contact').update({ Id: second!.Id, DoNotCall: !simulator.getContact(second!.Id)!.DoNotCall });
  const changed = await conn.query<ContactRow>(
    `SELECT Id, SystemModstamp, LastModifiedDate FROM Contact WHERE SystemModstamp > ${cursor} ORDER BY SystemModstamp`,
  );
  expect(changed.records.map((row) => row.Id)).toEqual([first!.Id, second!.Id]);
  // Two changes in a row get distinct stamps: a cursor at the first still finds the second.
  const [a, b] = changed.records as (ContactRow & { LastModifiedDate: string })[];
  expect(a!.SystemModstamp < b!.SystemModstamp).toBe(true);
  expect(a!.LastModifiedDate).toBe(a!.SystemModstamp);
  const afterFirst = await conn.query<ContactRow>(`SELECT Id FROM Contact WHERE SystemModstamp > ${a!.SystemModstamp.replace('+0000', 'Z')}`);
  expect(afterFirst.records.map((row) => row.Id)).toEqual([second!.Id]);
});

test('/__admin/writes lists API PATCHes with their bodies, not changes made in the UI', async () => {
  const [patched, edited] = testPopulation().salesforceContacts.slice(20, 22);
  const conn = jsforceConnection(simulator);
  await conn.sobject('Contact').update({ Id: patched!.Id, HasOptedOutOfFax: true });
  const change = await admin('record-change', { method: 'POST', body: JSON.stringify({ id: edited!.Id, fields: { HasOptedOutOfEmail: true } }) });
  expect(change.status).toBe(200);
  expect(change.body).toMatchObject({ Id: edited!.Id, HasOptedOutOfEmail: true });
  const refused = await conn.sobject('Contact').update({ Id: patched!.Id, LastModifiedDate: '2020-01-01T00:00:00Z' }).catch((e: unknown) => e);
  expect(refused).toMatchObject({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE' });

  const { body } = await admin('writes');
  expect(body.writes).toEqual([
    { at: expect.any(String), route: 'sobject.update', recordId: patched!.Id, body: { HasOptedOutOfFax: true } },
  ]);
  expect(simulator.writes()).toEqual(body.writes);
});

test('a change made in the UI is validated as a PATCH, stamps the contact and sends a webhook', async () => {
  const contact = testPopulation().salesforceContacts[30]!;
  const stampBefore = simulator.getContact(contact.Id)!.LastModifiedDate;
  const bad = await admin('record-change', { method: 'POST', body: JSON.stringify({ id: contact.Id, fields: { HasOptedOutOfEmail: 'yes' } }) });
  expect(bad.status).toBe(400);
  expect(bad.body[0].errorCode).toBe('JSON_PARSER_ERROR');
  const unknown = await admin('record-change', { method: 'POST', body: JSON.stringify({ id: '003000000000000AAA', fields: {} }) });
  expect(unknown.status).toBe(404);

  const wanted = !simulator.getContact(contact.Id)!.HasOptedOutOfEmail;
  const ok = await admin('record-change', { method: 'POST', body: JSON.stringify({ id: contact.Id, fields: { hasoptedoutofemail: wanted } }) });
  expect(ok.status).toBe(200);
  expect(ok.body.SystemModstamp > stampBefore).toBe(true);
  await simulator.webhooksIdle();
  const posts = receiver.posts();
  expect(posts).toHaveLength(1);
  const verified = new Webhook(secret).verify(posts[0]!.body, posts[0]!.headers as Record<string, string>) as JsonBody;
  expect(verified.data).toMatchObject({ id: contact.Id, changedFields: ['HasOptedOutOfEmail'], record: { HasOptedOutOfEmail: wanted } });
});

test('webhook registration refuses a bad secret, lists receivers without secrets, and DELETE stops delivery', async () => {
  const shortSecret = await admin('webhooks', { method: 'POST', body: JSON.stringify({ url: receiver.url, secret: 'whsec_c2hvcnQ=' }) });
  expect(shortSecret.status).toBe(400);
  const noUrl = await admin('webhooks', { method: 'POST', body: JSON.stringify({ url: 'not a url', secret }) });
  expect(noUrl.status).toBe(400);

  const other = await startWebhookReceiver();
  try {
    const added = await admin('webhooks', { method: 'POST', body: JSON.stringify({ url: other.url, secret: webhookSecret() }) });
    const listed = await admin('webhooks');
    expect(listed.body.webhooks).toEqual(expect.arrayContaining([{ id: added.body.id, url: other.url }]));
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
    expect((await admin(`webhooks/${added.body.id as string}`, { method: 'DELETE' })).status).toBe(204);
    expect((await admin(`webhooks/${added.body.id as string}`, { method: 'DELETE' })).status).toBe(404);

    const contact = testPopulation().salesforceContacts[40]!;
    await jsforceConnection(simulator).sobject('Contact').update({ Id: contact.Id, DoNotCall: true });
    await simulator.webhooksIdle();
    expect(other.posts()).toHaveLength(0);
    expect(receiver.posts()).toHaveLength(1);
  } finally {
    await other.stop();
  }
});
