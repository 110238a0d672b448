import mailchimp from '@mailchimp/mailchimp_marketing';
import type { MailchimpSimulator } from '../../../simulators/mailchimp/mailchimp-simulator';
import { MAILCHIMP_AUDIENCE_NAME, MAILCHIMP_INTEREST_CATEGORIES, MAILCHIMP_INTERESTS } from '../../../simulators/population/reference-data';
import { startTestMailchimp, testPopulation } from '../../harness/simulators';

/**
 * The vendor's own client (@mailchimp/mailchimp_marketing) against the Mailchimp simulator,
 * given only the base URL and the API key.
 */

let simulator: MailchimpSimulator;

/** What the client rejects with on an HTTP error (superagent's error). */
interface ClientError {
  status: number;
  response: { body: { type: string; title: string; status: number; detail: string; instance: string } };
}

beforeAll(async () => {
  simulator = await startTestMailchimp();
  mailchimp.setConfig({ apiKey: simulator.descriptor.credentials.apiKey, server: 'us1' });
  // The client builds URLs from basePath and replaces the word "server" in them with the
  // data centre, so the simulator's URL (127.0.0.1) must not contain that word.
  (mailchimp as unknown as { basePath: string }).basePath = simulator.descriptor.baseUrl;
});

afterAll(async () => {
  await simulator.stop();
});

const listId = (): string => simulator.descriptor.credentials.listId as string;

test('ping answers through the client', async () => {
  const answer = await mailchimp.ping.get();
  expect(answer).toEqual({ health_status: "Everything's Chimpy!" });
});

test('getListMember finds a member by subscriber hash and by email address', async () => {
  const member = testPopulation().mailchimpMembers[0]!;
  const byHash = (await mailchimp.lists.getListMember(listId(), member.id)) as { id: string; email_address: string; status: string };
  expect(byHash.id).toBe(member.id);
  expect(byHash.email_address).toBe(member.email_address);
  const byEmail = (await mailchimp.lists.getListMember(listId(), member.email_address.toUpperCase())) as { id: string };
  expect(byEmail.id).toBe(member.id);
});

test('getListMembersInfo pages with count and offset and reports total_items', async () => {
  const total = testPopulation().mailchimpMembers.length;
  const first = (await mailchimp.lists.getListMembersInfo(listId(), { count: 20 })) as {
    members: { id: string }[];
    total_items: number;
    list_id: string;
  };
  expect(first.total_items).toBe(total);
  expect(first.list_id).toBe(listId());
  expect(first.members).toHaveLength(20);
  const second = (await mailchimp.lists.getListMembersInfo(listId(), { count: 20, offset: 20 })) as { members: { id: string }[] };
  expect(second.members).toHaveLength(20);
  expect(second.members.map((m) => m.id)).not.toContain(first.members[0]!.id);
});

test('updateListMember changes status and marketing permissions', async () => {
  const member = testPopulation().mailchimpMembers.find((m) => m.status === 'subscribed')!;
  const permission = member.marketing_permissions[0]!;
  const updated = (await mailchimp.lists.updateListMember(listId(), member.id, {
    status: 'unsubscribed',
    marketing_permissions: [{ marketing_permission_id: permission.marketing_permission_id, enabled: false }],
  })) as { status: string; last_changed: string };
  expect(updated.status).toBe('unsubscribed');
  expect(simulator.getMember(member.id)?.status).toBe('unsubscribed');
  expect(simulator.getMember(member.id)?.marketing_permissions[0]?.enabled).toBe(false);
  expect(updated.last_changed).not.toBe(member.last_changed);
});

test('an unknown member is a 404 problem document', async () => {
  const error = (await mailchimp.lists.getListMember(listId(), 'nobody@nowhere.example').catch((e: unknown) => e)) as ClientError;
  expect(error.status).toBe(404);
  expect(error.response.body).toMatchObject({
    title: 'Resource Not Found',
    status: 404,
    type: expect.stringContaining('mailchimp.com') as unknown as string,
  });
  expect(typeof error.response.body.instance).toBe('string');
});

/** The client's audience and interest calls, which its type declarations leave out. */
interface AudienceCalls {
  getList(listId: string): Promise<unknown>;
  getListInterestCategories(listId: string, options: { count: number }): Promise<unknown>;
  listInterestCategoryInterests(listId: string, categoryId: string, options: { count: number }): Promise<unknown>;
}

test('getList, getListInterestCategories and listInterestCategoryInterests name the audience and its interests', async () => {
  const lists = mailchimp.lists as unknown as AudienceCalls;
  const list = (await lists.getList(listId())) as { id: string; name: string };
  expect(list).toMatchObject({ id: listId(), name: MAILCHIMP_AUDIENCE_NAME });
  const { categories, total_items } = (await lists.getListInterestCategories(listId(), { count: 1000 })) as {
    categories: { id: string; title: string; type: string }[];
    total_items: number;
  };
  expect(total_items).toBe(MAILCHIMP_INTEREST_CATEGORIES.length);
  const names: string[] = [];
  for (const category of categories) {
    const answer = (await lists.listInterestCategoryInterests(listId(), category.id, { count: 1000 })) as {
      interests: { id: string; name: string; category_id: string; subscriber_count: string }[];
      category_id: string;
    };
    expect(answer.category_id).toBe(category.id);
    names.push(...answer.interests.map((interest) => interest.name));
  }
  expect(names.sort()).toEqual(MAILCHIMP_INTERESTS.map((interest) => interest.name).sort());
});
