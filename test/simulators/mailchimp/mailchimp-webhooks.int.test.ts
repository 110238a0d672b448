import mailchimp from '@mailchimp/mailchimp_marketing';
import type { MailchimpSimulator } from '../../../simulators/mailchimp/mailchimp-simulator';
import { subscriberHash } from '../../../simulators/mailchimp/subscriber-hash';
import { startTestMailchimp, testPopulation, type JsonBody } from '../../harness/simulators';
import { clearWebhooksBetweenTests, startWebhookReceiver, type WebhookReceiver } from '../../harness/webhook-receiver';

/**
 * Mailchimp's audience webhooks on the simulator: registered through the vendor's own
 * client (with the GET check of the URL), and member changes POSTed in Mailchimp's
 * form-encoded format, filtered by event and source.
 */

let simulator: MailchimpSimulator;
let receiver: WebhookReceiver;
let webhookId: string;
/** What the receiver saw while the webhook was registered. */
let seenAtRegistration: string[];

/** The client's webhook calls, which its type declarations leave out. */
interface WebhookCalls {
  createListWebhook(listId: string, body: unknown): Promise<JsonBody>;
  getListWebhooks(listId: string): Promise<JsonBody>;
  deleteListWebhook(listId: string, webhookId: string): Promise<unknown>;
}
const lists = (): WebhookCalls => mailchimp.lists as unknown as WebhookCalls;
const listId = (): string => simulator.descriptor.credentials.listId as string;

const ALL_EVENTS = { subscribe: true, unsubscribe: true, profile: true, cleaned: true, upemail: true, campaign: true };

const memberChange = async (body: unknown): Promise<{ status: number; body: JsonBody }> => {
  const response = await fetch(`${new URL(simulator.descriptor.baseUrl).origin}/__admin/member-change`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
};

/** The form fields of every webhook POST received since the last reset. */
const forms = (): Record<string, string>[] => receiver.posts().map((post) => Object.fromEntries(new URLSearchParams(post.body)));
/** Different members' webhooks are sent in parallel, so they may arrive in any order: these are sorted by type. */
const formsByType = (): Record<string, string>[] => forms().sort((a, b) => (a.type ?? '').localeCompare(b.type ?? ''));

const subscribedMembers = () => testPopulation().mailchimpMembers.filter((member) => member.status === 'subscribed');

beforeAll(async () => {
  simulator = await startTestMailchimp();
  receiver = await startWebhookReceiver();
  mailchimp.setConfig({ apiKey: simulator.descriptor.credentials.apiKey, server: 'us1' });
  (mailchimp as unknown as { basePath: string }).basePath = simulator.descriptor.baseUrl;
  const created = await lists().createListWebhook(listId(), {
    url: receiver.url,
    events: ALL_EVENTS,
    sources: { user: true, admin: true, api: true },
  });
  webhookId = created.id as string;
  seenAtRegistration = receiver.received.map((request) => `${request.method} ${request.path}`);
});

clearWebhooksBetweenTests(() => ({ simulator, receiver }));

test('createListWebhook checks the URL with a GET, then lists the webhook with its events and sources', async () => {
  expect(seenAtRegistration).toEqual(['GET /hook']);
  const { webhooks, total_items } = await lists().getListWebhooks(listId());
  expect(total_items).toBe(1);
  expect(webhooks[0]).toMatchObject({ id: webhookId, url: receiver.url, events: ALL_EVENTS, sources: { user: true, admin: true, api: true }, list_id: listId() });
  // A second registration of the same URL is refused.
  const again = (await lists().createListWebhook(listId(), { url: receiver.url }).catch((e: unknown) => e)) as { status: number };
  expect(again.status).toBe(400);
});

test('a registration whose URL does not answer the GET with 200 is refused with a problem document, and nothing is saved', async () => {
  const notThere = await startWebhookReceiver({ getStatus: 404 });
  try {
    const error = (await lists().createListWebhook(listId(), { url: notThere.url, events: ALL_EVENTS }).catch((e: unknown) => e)) as {
      status: number;
      response: { body: JsonBody; headers: Record<string, string> };
    };
    expect(error.status).toBe(400);
    expect(error.response.headers['content-type']).toContain('application/problem+json');
    expect(error.response.body).toMatchObject({ title: 'Invalid Resource', status: 400 });
    expect(error.response.body.detail).toContain("We couldn't verify the URL is working");
    expect(error.response.body.detail).toContain('404');
    expect(notThere.received.map((request) => request.method)).toEqual(['GET']);
  } finally {
    await notThere.stop();
  }
  const invalid = (await lists().createListWebhook(listId(), { url: 'not a url' }).catch((e: unknown) => e)) as { status: number; response: { body: JsonBody } };
  expect(invalid.response.body.errors).toEqual([{ field: 'url', message: expect.any(String) }]);
  expect((await lists().getListWebhooks(listId())).total_items).toBe(1);
});

test('a subscriber unsubscribing (member-change) sends an unsubscribe event in Mailchimp form format, once the member reads unsubscribed', async () => {
  const member = subscribedMembers()[0]!;
  const answer = await memberChange({ email: member.email_address.toUpperCase(), status: 'unsubscribed' });
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ id: member.id, status: 'unsubscribed' });
  await simulator.webhooksIdle();

  const [post] = receiver.posts();
  expect(post!.headers['content-type']).toBe('application/x-www-form-urlencoded');
  expect(forms()).toEqual([
    expect.objectContaining({
      type: 'unsubscribe',
      'data[action]': 'unsub',
      'data[reason]': 'manual',
      'data[campaign_id]': '',
      'data[id]': member.id,
      'data[email]': member.email_address,
      'data[email_type]': member.email_type,
      'data[ip_opt]': '',
      'data[list_id]': listId(),
      'data[merges][EMAIL]': member.email_address,
      'data[merges][FNAME]': member.merge_fields.FNAME,
      'data[merges][LNAME]': member.merge_fields.LNAME,
      'data[interests]': expect.any(String),
    }),
  ]);
  const firedAt = forms()[0]!.fired_at as string;
  expect(firedAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  expect(Math.abs(Date.parse(`${firedAt.replace(' ', 'T')}Z`) - Date.now())).toBeLessThan(10_000);
  const reread = (await mailchimp.lists.getListMember(listId(), member.id)) as { status: string };
  expect(reread.status).toBe('unsubscribed');
  // A change made by the subscriber is not a write-back.
  expect(simulator.writes()).toEqual([]);
});

test('an unsubscribe through the API (PATCH) sends the same event and is recorded as a write-back', async () => {
  const member = subscribedMembers()[1]!;
  await mailchimp.lists.updateListMember(listId(), member.id, { status: 'unsubscribed' });
  await simulator.webhooksIdle();
  expect(forms()).toEqual([expect.objectContaining({ type: 'unsubscribe', 'data[id]': member.id, 'data[action]': 'unsub' })]);
  expect(simulator.writes()).toEqual([{ at: expect.any(String), route: 'member.update', recordId: member.id, body: { status: 'unsubscribed' } }]);
});

test('a marketing permission change is a profile event; a write that changes nothing sends nothing', async () => {
  const member = subscribedMembers()[2]!;
  const permission = simulator.getMember(member.id)!.marketing_permissions[0]!;
  await memberChange({
    subscriber_hash: member.id,
    marketing_permissions: [{ marketing_permission_id: permission.marketing_permission_id, enabled: !permission.enabled }],
  });
  await mailchimp.lists.updateListMember(listId(), member.id, { status: 'subscribed' });
  await simulator.webhooksIdle();
  expect(forms()).toEqual([expect.objectContaining({ type: 'profile', 'data[id]': member.id, 'data[email]': member.email_address })]);
  expect(forms()[0]!['data[action]']).toBeUndefined();
});

test('subscribe, cleaned and upemail events carry their own fields', async () => {
  const [resubscribed, cleaned, moved] = testPopulation().mailchimpMembers.filter((m) => m.status === 'unsubscribed').slice(0, 3);
  await memberChange({ email: resubscribed!.email_address, status: 'subscribed' });
  await memberChange({ email: cleaned!.email_address, status: 'cleaned' });
  const newEmail = `moved.${moved!.id.slice(0, 6)}@example.org`;
  const answer = await memberChange({ email: moved!.email_address, new_email: newEmail });
  expect(answer.body.id).toBe(subscriberHash(newEmail));
  await simulator.webhooksIdle();
  expect(formsByType()).toEqual([
    { type: 'cleaned', fired_at: expect.any(String), 'data[list_id]': listId(), 'data[campaign_id]': '', 'data[reason]': 'hard', 'data[email]': cleaned!.email_address },
    expect.objectContaining({ type: 'subscribe', 'data[id]': resubscribed!.id }),
    {
      type: 'upemail',
      fired_at: expect.any(String),
      'data[list_id]': listId(),
      'data[new_id]': subscriberHash(newEmail),
      'data[new_email]': newEmail,
      'data[old_email]': moved!.email_address,
    },
  ]);
});

test('a webhook hears only its events and sources, and a deleted webhook hears nothing', async () => {
  const apiOnly = await startWebhookReceiver();
  try {
    const created = await lists().createListWebhook(listId(), {
      url: apiOnly.url,
      events: { unsubscribe: true },
      sources: { api: true },
    });
    const [byUser, byApi, profile] = subscribedMembers().slice(3, 6);
    await memberChange({ email: byUser!.email_address, status: 'unsubscribed' });
    await mailchimp.lists.updateListMember(listId(), byApi!.id, { status: 'unsubscribed' });
    await mailchimp.lists.updateListMember(listId(), profile!.id, { merge_fields: { FNAME: 'Alexandra' } });
    await simulator.webhooksIdle();
    expect(apiOnly.posts().map((post) => Object.fromEntries(new URLSearchParams(post.body)))).toEqual([
      expect.objectContaining({ type: 'unsubscribe', 'data[id]': byApi!.id }),
    ]);
    // Sorted: different members' webhooks may arrive in any order.
    expect(forms().map((form) => `${form.type} ${form['data[id]']}`).sort()).toEqual(
      [`unsubscribe ${byUser!.id}`, `unsubscribe ${byApi!.id}`, `profile ${profile!.id}`].sort(),
    );

    await lists().deleteListWebhook(listId(), created.id as string);
    await mailchimp.lists.updateListMember(listId(), byApi!.id, { status: 'subscribed' });
    await simulator.webhooksIdle();
    expect(apiOnly.posts()).toHaveLength(1);
  } finally {
    await apiOnly.stop();
  }
});
