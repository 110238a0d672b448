import { Webhook } from 'standardwebhooks';
import type { SalesforceSimulator } from '../../../simulators/salesforce/salesforce-simulator';
import { jsforceConnection } from '../../harness/jsforce';
import { startTestSalesforce, testPopulation, type JsonBody } from '../../harness/simulators';
import { startWebhookReceiver, webhookSecret, type WebhookReceiver } from '../../harness/webhook-receiver';

/** Webhook delivery, shared by every simulator (seen through Salesforce's): retries, order, lost webhooks, the delivery log. */

let simulator: SalesforceSimulator;
let receiver: WebhookReceiver;
const secret = webhookSecret();

const admin = async (path: string, init: RequestInit = {}): Promise<JsonBody> => {
  const response = await fetch(`${simulator.descriptor.baseUrl}/__admin/${path}`, { ...init, headers: { 'content-type': 'application/json' } });
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
};

const toggleDoNotCall = async (index: number): Promise<string> => {
  const contact = testPopulation().salesforceContacts[index]!;
  await jsforceConnection(simulator).sobject('Contact').update({ Id: contact.Id, DoNotCall: !simulator.getContact(contact.Id)!.DoNotCall });
  return contact.Id;
};

beforeAll(async () => {
  simulator = await startTestSalesforce({ webhooks: { retryDelaysMs: [50, 100, 150] } });
  receiver = await startWebhookReceiver();
  await admin('webhooks', { method: 'POST', body: JSON.stringify({ url: receiver.url, secret }) });
});

afterAll(async () => {
  await simulator.stop();
  await receiver.stop();
});

beforeEach(() => {
  simulator.setFaults({});
  simulator.resetCounters();
  receiver.received.length = 0;
});

test('a receiver answering 500 twice gets the same message three times with one webhook-id, each attempt signed anew', async () => {
  receiver.failNext(500, 500);
  const id = await toggleDoNotCall(50);
  await simulator.webhooksIdle();
  const posts = receiver.posts();
  expect(posts).toHaveLength(3);
  expect(new Set(posts.map((post) => post.headers['webhook-id'])).size).toBe(1);
  expect(new Set(posts.map((post) => post.body)).size).toBe(1);
  for (const post of posts) expect(() => new Webhook(secret).verify(post.body, post.headers as Record<string, string>)).not.toThrow();
  expect((JSON.parse(posts[0]!.body) as JsonBody).data.id).toBe(id);

  const { deliveries } = await admin('webhook-deliveries');
  expect(deliveries.map((d: JsonBody) => [d.attempt, d.status])).toEqual([[1, 500], [2, 500], [3, 200]]);
  expect(deliveries[0]).toMatchObject({ url: receiver.url, type: 'contact.updated', webhookId: posts[0]!.headers['webhook-id'] });
  expect(simulator.webhookDeliveries()).toEqual(deliveries);
});

test('a message is given up after the last retry, and the next change to the record is delivered after it', async () => {
  receiver.failNext(503, 503, 503, 503);
  const id = await toggleDoNotCall(51);
  await toggleDoNotCall(51);
  await simulator.webhooksIdle();
  const posts = receiver.posts().map((post) => ({ webhookId: post.headers['webhook-id'], record: (JSON.parse(post.body) as JsonBody).data.record }));
  expect(posts).toHaveLength(5);
  expect(new Set(posts.slice(0, 4).map((post) => post.webhookId)).size).toBe(1);
  expect(posts[4]!.webhookId).not.toBe(posts[0]!.webhookId);
  // In order: the second change's webhook carries the contact's final state.
  expect(posts[4]!.record.DoNotCall).toBe(simulator.getContact(id)!.DoNotCall);
});

test('a receiver that is not listening costs retries, never the simulator; the API answer does not wait for webhooks', async () => {
  const gone = await startWebhookReceiver();
  await gone.stop();
  const { id: endpoint } = await admin('webhooks', { method: 'POST', body: JSON.stringify({ url: gone.url, secret: webhookSecret() }) });
  receiver.failNext(500);
  try {
    await toggleDoNotCall(52);
    // Answered before any retry could have run (the first retry waits 50 ms).
    expect(receiver.posts().length).toBeLessThanOrEqual(1);
    await simulator.webhooksIdle();
    const failed = simulator.webhookDeliveries().filter((delivery) => delivery.url === gone.url);
    expect(failed).toHaveLength(4);
    expect(failed.every((delivery) => delivery.status === undefined && typeof delivery.error === 'string')).toBe(true);
    expect(receiver.posts()).toHaveLength(2);
  } finally {
    await admin(`webhooks/${endpoint as string}`, { method: 'DELETE' });
  }
});

test('the dropWebhooks fault loses webhooks silently, while the change is made and found by a change query', async () => {
  await admin('faults', { method: 'POST', body: JSON.stringify({ dropWebhooks: true }) });
  const since = new Date(Date.now() - 1).toISOString();
  const id = await toggleDoNotCall(53);
  await simulator.webhooksIdle();
  expect(receiver.posts()).toHaveLength(0);
  expect(simulator.webhookDeliveries()).toEqual([expect.objectContaining({ attempt: 0, error: expect.stringContaining('dropWebhooks') })]);
  const changed = await jsforceConnection(simulator).query<{ Id: string }>(`SELECT Id FROM Contact WHERE SystemModstamp > ${since}`);
  expect(changed.records.map((row) => row.Id)).toEqual([id]);

  await admin('faults', { method: 'POST', body: JSON.stringify({}) });
  await toggleDoNotCall(53);
  await simulator.webhooksIdle();
  expect(receiver.posts()).toHaveLength(1);
});

test('reset-counters clears the writes and the delivery log', async () => {
  await toggleDoNotCall(54);
  await simulator.webhooksIdle();
  expect((await admin('writes')).writes).toHaveLength(1);
  expect((await admin('webhook-deliveries')).deliveries).toHaveLength(1);
  await admin('reset-counters', { method: 'POST' });
  expect(await admin('writes')).toEqual({ writes: [] });
  expect(await admin('webhook-deliveries')).toEqual({ deliveries: [] });
});
