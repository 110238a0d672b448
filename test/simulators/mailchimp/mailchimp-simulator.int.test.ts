import type { MailchimpSimulator } from '../../../simulators/mailchimp/mailchimp-simulator';
import { subscriberHash } from '../../../simulators/mailchimp/subscriber-hash';
import { mailchimpAuthorization, startTestMailchimp, testPopulation, type JsonBody } from '../../harness/simulators';

/** The Mailchimp simulator's contract over plain HTTP: auth, listing filters, validation and upserts. */

let simulator: MailchimpSimulator;

async function call(path: string, init: RequestInit & { auth?: string } = {}): Promise<{ status: number; headers: Headers; body: JsonBody }> {
  const { auth = mailchimpAuthorization(simulator), ...rest } = init;
  const response = await fetch(`${simulator.descriptor.baseUrl}${path}`, {
    ...rest,
    headers: { authorization: auth, 'content-type': 'application/json', ...(rest.headers ?? {}) },
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const listPath = (): string => `/lists/${simulator.descriptor.credentials.listId}/members`;

beforeAll(async () => {
  simulator = await startTestMailchimp();
});

afterAll(async () => {
  await simulator.stop();
});

test('a wrong API key is a 401 problem document', async () => {
  const { status, headers, body } = await call('/ping', { auth: `Basic ${Buffer.from('u:nope-us1').toString('base64')}` });
  expect(status).toBe(401);
  expect(headers.get('content-type')).toContain('application/problem+json');
  expect(body).toMatchObject({ status: 401, title: 'API Key Invalid' });
});

test('since_last_changed and status narrow the listing; fields trims it', async () => {
  const members = testPopulation().mailchimpMembers;
  const since = '2025-01-01T00:00:00+00:00';
  const expected = members.filter((m) => m.status === 'subscribed' && Date.parse(m.last_changed) >= Date.parse(since));
  const { status, body } = await call(
    `${listPath()}?status=subscribed&since_last_changed=${encodeURIComponent(since)}&count=1000&fields=members.id,members.status,total_items`,
  );
  expect(status).toBe(200);
  expect(body.total_items).toBe(expected.length);
  expect(body.members.map((m: { id: string }) => m.id)).toEqual(expected.map((m) => m.id));
  expect(Object.keys(body)).toEqual(['members', 'total_items']);
  expect(Object.keys(body.members[0])).toEqual(['id', 'status']);
});

test('count above 1,000 is a 400 with errors naming the field', async () => {
  const { status, body } = await call(`${listPath()}?count=1001`);
  expect(status).toBe(400);
  expect(body).toMatchObject({ title: 'Invalid Resource', status: 400, errors: [{ field: 'count' }] });
});

test('PATCH validates status and an unknown member or list is 404', async () => {
  const member = testPopulation().mailchimpMembers[1]!;
  const bad = await call(`${listPath()}/${member.id}`, { method: 'PATCH', body: JSON.stringify({ status: 'maybe' }) });
  expect(bad.status).toBe(400);
  expect(bad.body.errors).toEqual([{ field: 'status', message: expect.any(String) }]);
  const missing = await call(`${listPath()}/${subscriberHash('nobody@nowhere.example')}`, { method: 'PATCH', body: '{}' });
  expect(missing.status).toBe(404);
  expect(missing.body.title).toBe('Resource Not Found');
  const otherList = await call(`/lists/0000000000/members/${member.id}`);
  expect(otherList.status).toBe(404);
});

test('PUT adds a new member with status_if_new and updates an existing one', async () => {
  const email = 'New.Person@Example.org';
  const hash = subscriberHash(email);
  const created = await call(`${listPath()}/${hash}`, {
    method: 'PUT',
    body: JSON.stringify({ email_address: email, status_if_new: 'pending', merge_fields: { FNAME: 'New' } }),
  });
  expect(created.status).toBe(200);
  expect(created.body).toMatchObject({ id: hash, status: 'pending', merge_fields: { FNAME: 'New' } });
  const updated = await call(`${listPath()}/${hash}`, {
    method: 'PUT',
    body: JSON.stringify({ email_address: email, status: 'subscribed', status_if_new: 'pending' }),
  });
  expect(updated.body.status).toBe('subscribed');
  expect(simulator.getMember(email)?.status).toBe('subscribed');
  const mismatch = await call(`${listPath()}/${hash}`, {
    method: 'PUT',
    body: JSON.stringify({ email_address: 'someone.else@example.org', status_if_new: 'pending' }),
  });
  expect(mismatch.status).toBe(400);
  expect(mismatch.body.errors[0].field).toBe('email_address');
});
