import Eloqua from 'eloqua';
import { eloquaPopulation } from '../../../simulators/eloqua/eloqua-population';
import type { EloquaSimulator } from '../../../simulators/eloqua/eloqua-simulator';
import { startTestEloqua, testPopulation } from '../../harness/simulators';

/**
 * The `eloqua` npm package (1.3.5, axios underneath) against the simulator, given only the
 * login URL: it learns the base URL from `GET /id` as it does from login.eloqua.com, then
 * reads contacts by id and by search and updates one, with Basic `Company\User:password`.
 * Its `loginUrl` option replaces the hard-coded https://login.eloqua.com/id. It has no call
 * for email groups or subscriptions; its `_request` sends those as raw requests shaped as
 * Oracle's reference shows, through the same client and credentials.
 */
describe('the eloqua npm client against the Eloqua simulator', () => {
  const contacts = eloquaPopulation(testPopulation()).contacts;
  let simulator: EloquaSimulator;
  let client: Eloqua;

  beforeAll(async () => {
    simulator = await startTestEloqua();
    const { siteName, userName, password, loginUrl } = simulator.descriptor.credentials;
    client = new Eloqua({ loginUrl, siteName: siteName!, userName: userName!, password: password! });
  });
  afterAll(() => simulator.stop());

  it('discovers the base URL from the login service and reads a contact by id', async () => {
    const contact = contacts[3]!;
    const answer = (await client.contacts.get(Number(contact.id), { depth: 'complete' })) as Record<string, unknown>;
    expect(client.baseUrl).toBe(simulator.descriptor.baseUrl);
    expect(simulator.requestCount('id')).toBe(1);
    expect(answer).toMatchObject({ type: 'Contact', id: contact.id, emailAddress: contact.emailAddress, isSubscribed: contact.isSubscribed, updatedAt: contact.updatedAt, depth: 'complete' });
  });

  it('searches contacts by email and pages with page and count', async () => {
    const contact = contacts[8]!;
    const found = (await client.contacts.getAll({ search: `emailAddress='${contact.emailAddress}'`, depth: 'minimal' })) as { elements: { id: string }[]; total: number };
    expect(found).toMatchObject({ total: 1, page: 1, elements: [{ id: contact.id, depth: 'minimal' }] });
    const page = (await client.contacts.getAll({ count: 10, page: 2 })) as { elements: unknown[]; pageSize: number; total: number };
    expect(page).toMatchObject({ page: 2, pageSize: 10, total: contacts.length });
    expect(page.elements).toHaveLength(10);
  });

  it('unsubscribes a contact globally with an update, and reads the validation errors of a bad one', async () => {
    const contact = contacts[11]!;
    const updated = (await client.contacts.update(Number(contact.id), { id: contact.id, emailAddress: contact.emailAddress, isSubscribed: 'false' })) as Record<string, unknown>;
    expect(updated).toMatchObject({ id: contact.id, isSubscribed: 'false' });
    expect(simulator.getContact(contact.id)!.isSubscribed).toBe('false');
    const failure = (await client.contacts.update(Number(contact.id), { id: contact.id, isSubscribed: 'maybe' }).catch((error: unknown) => error)) as { status: number; data: unknown };
    expect(failure.status).toBe(400);
    expect(failure.data).toEqual(
      expect.arrayContaining([
        { type: 'ObjectValidationError', container: { type: 'ObjectKey', objectType: 'Contact', objectId: contact.id }, property: 'emailAddress', requirement: { type: 'EmailAddressRequirement' }, value: '' },
        expect.objectContaining({ property: 'isSubscribed', requirement: { type: 'BooleanRequirement' }, value: 'maybe' }),
      ]),
    );
  });

  it("reads and changes a contact's email group subscription through the client's raw request", async () => {
    const contact = contacts[12]!;
    const groups = (await client._request({ method: 'GET', url: '/api/REST/1.0/assets/email/groups' })) as { elements: { id: string; name: string }[] };
    const partner = groups.elements.find((group) => group.name === 'Partner Offers')!;
    await client._request({ method: 'PUT', url: `/api/REST/1.0/data/contact/${contact.id}/email/group/${partner.id}/subscription`, data: { type: 'EmailGroupSubscription', emailGroup: { type: 'ContactEmailGroup', id: partner.id }, isSubscribed: 'true' } });
    const list = (await client._request({ method: 'GET', url: `/api/REST/1.0/data/contact/${contact.id}/email/groups/subscription` })) as { elements: { emailGroup: { id: string }; isSubscribed: string }[] };
    expect(list.elements.find((subscription) => subscription.emailGroup.id === partner.id)).toMatchObject({ type: 'EmailGroupSubscription', isSubscribed: 'true' });
  });

  it('fails with a 401 for a wrong password, after the login service said "Not authenticated."', async () => {
    const wrong = new Eloqua({ loginUrl: simulator.descriptor.credentials.loginUrl, siteName: 'GatewayDemo', userName: 'API.User', password: 'wrong' });
    await expect(wrong.contacts.get(1)).rejects.toThrow('Error obtaining baseUrl');
    const pinned = new Eloqua({ baseUrl: simulator.descriptor.baseUrl, siteName: 'GatewayDemo', userName: 'API.User', password: 'wrong' });
    await expect(pinned.contacts.get(1)).rejects.toMatchObject({ status: 401 });
  });
});
