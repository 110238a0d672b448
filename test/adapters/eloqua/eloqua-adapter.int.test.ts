import { EloquaAdapter } from '../../../src/adapters/eloqua/eloqua-adapter';
import { GatewayError } from '../../../src/errors/gateway-error';
import type { EloquaContact } from '../../../simulators/eloqua/eloqua-contact';
import { eloquaPopulation } from '../../../simulators/eloqua/eloqua-population';
import { startEloquaSimulator, type EloquaSimulator } from '../../../simulators/eloqua/eloqua-simulator';
import { testPopulation } from '../../harness/simulators';

const QUOTED_EMAIL = "o'brien*x@example.com";

describe('EloquaAdapter against the Eloqua simulator', () => {
  const slice = eloquaPopulation(testPopulation());
  // The first contact's address holds a quote and a star, which a search value cannot say.
  const contacts: EloquaContact[] = slice.contacts.map((contact, index) => (index === 0 ? { ...contact, emailAddress: QUOTED_EMAIL, name: QUOTED_EMAIL } : contact));
  let simulator: EloquaSimulator;
  let adapter: EloquaAdapter;

  const makeAdapter = (extra: Partial<ConstructorParameters<typeof EloquaAdapter>[0]> = {}) => {
    const { baseUrl, credentials } = simulator.descriptor;
    return new EloquaAdapter({
      name: 'elq',
      baseUrl,
      siteName: credentials.siteName,
      userName: credentials.userName,
      password: credentials.password,
      retry: { initialDelayMs: 10, maxDelayMs: 2000 },
      ...extra,
    });
  };

  beforeAll(async () => {
    simulator = await startEloquaSimulator({ contacts, groupSubscriptions: slice.groupSubscriptions });
  });
  afterAll(async () => {
    await simulator.stop();
  });
  beforeEach(() => {
    simulator.setFaults({});
    simulator.resetCounters();
    adapter = makeAdapter();
  });
  afterEach(async () => {
    await adapter.close();
  });

  it('reads each id with two calls (the contact, then its group subscriptions), in the order asked, null for an unknown or malformed id', async () => {
    const ids = contacts.slice(1, 31).map((contact) => contact.id);
    const records = await adapter.fetchByIds(['not-a-number', '999999999', ...ids, ids[0]!]);
    expect(records.slice(0, 2)).toEqual([null, null]);
    expect(records.slice(2).map((record) => record!.recordId)).toEqual([...ids, ids[0]]);
    // 30 contacts found: 60 calls; the unknown number: one GET that answers 404; the malformed one: none.
    expect(simulator.requestCount('contact.get')).toBe(31);
    expect(simulator.requestCount('subscriptions.list')).toBe(30);
    expect(adapter.minimumReadCalls(30)).toBe(60);
  });

  it('keeps to 20 calls in flight, the limit the instance enforces with 429s', async () => {
    const ids = contacts.slice(0, 120).map((contact) => contact.id);
    const records = await adapter.fetchByIds(ids);
    expect(records.every(Boolean)).toBe(true);
    expect(simulator.peakConcurrency).toBeLessThanOrEqual(20);
    simulator.setFaults({ latencyMs: 100 });
    const greedy = await Promise.all(Array.from({ length: 30 }, () => fetch(`${simulator.descriptor.baseUrl}/api/REST/1.0/data/contact/${ids[0]}`, { headers: { authorization: basicOf(simulator) } })));
    const statuses = greedy.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(20);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
  });

  it('maps a contact: names, email, both phones, the address with its country code, the global subscription and the groups as flags', async () => {
    const contact = contacts.find((candidate) => candidate.mobilePhone && candidate.businessPhone && candidate.country && candidate.isBounceback === 'false')!;
    const [record] = await adapter.fetchByIds([contact.id]);
    expect(record).toMatchObject({
      system: 'elq',
      recordId: contact.id,
      updatedAt: new Date(Number(contact.updatedAt) * 1000),
      fields: {
        givenName: contact.firstName,
        familyName: contact.lastName,
        emails: [contact.emailAddress],
        phones: [contact.mobilePhone, contact.businessPhone],
        addresses: [expect.objectContaining({ country: expect.stringMatching(/^[A-Z]{2}$/) })],
      },
      crossReferences: [],
    });
    const flag = (purpose: string) => record!.consentFlags.find((entry) => entry.channel === 'EMAIL' && entry.purpose === purpose)?.status;
    expect(flag('MARKETING')).toBe(contact.isSubscribed === 'true' ? 'GRANTED' : 'DENIED');
    const partner = slice.groupSubscriptions.get(contact.id)!.get('13') === true;
    expect(flag('THIRD_PARTY')).toBe(partner && contact.isSubscribed === 'true' ? 'GRANTED' : 'DENIED');
    expect(record!.consentFlags.map((entry) => entry.purpose).sort()).toEqual(['MARKETING', 'SERVICE', 'THIRD_PARTY']);
  });

  it('finds a contact by email in another case, and by an address holding a quote and a star (searched up to them, then matched exactly)', async () => {
    const contact = contacts[5]!;
    const found = await adapter.findByKey({ kind: 'email', value: ` ${contact.emailAddress.toUpperCase()} ` });
    expect(found.map((record) => record.recordId)).toEqual([contact.id]);
    const quoted = await adapter.findByKey({ kind: 'email', value: QUOTED_EMAIL });
    expect(quoted.map((record) => record.recordId)).toEqual([contacts[0]!.id]);
    expect(await adapter.findByKey({ kind: 'email', value: "nobody'@example.com" })).toEqual([]);
  });

  it('finds a contact by phone whatever format is asked (Eloqua keeps international format with spaces)', async () => {
    const contact = contacts.find((candidate) => candidate.mobilePhone)!;
    const found = await adapter.findByKey({ kind: 'phone', value: contact.mobilePhone!.replace(/\s/g, '') });
    expect(found.map((record) => record.recordId)).toContain(contact.id);
  });

  it('pages through every contact for a backfill, and refuses a cursor it did not issue', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await adapter.changedSince(cursor, { pageSize: 40 });
      seen.push(...page.records.map((record) => record.recordId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(contacts.length);
    expect(simulator.requestCount('contacts.list')).toBe(Math.ceil(contacts.length / 40));
    await expect(adapter.changedSince('bm9wZQ')).rejects.toThrow(GatewayError);
  });

  it('lists contacts changed at or after a time by C_DateModified, oldest first, and sees a group change made in Eloqua', async () => {
    const since = new Date(Date.now() - 1000);
    const changed = contacts[7]!;
    await fetch(`${simulator.descriptor.baseUrl}/__admin/record-change`, { method: 'POST', body: JSON.stringify({ id: changed.id, groups: { '13': !simulator.groupSubscription(changed.id, '13') } }) });
    const records = await adapter.recordsChangedSince(since);
    expect(records.map((record) => record.recordId)).toEqual([changed.id]);
  });

  it('writes email marketing as the global subscription and a group purpose as that group, harmlessly twice, never a pair it cannot hold', async () => {
    const contact = contacts[9]!;
    await adapter.writeConsent(contact.id, { channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' });
    expect(simulator.getContact(contact.id)!.isSubscribed).toBe('false');
    const stamped = simulator.getContact(contact.id)!.updatedAt;
    await adapter.writeConsent(contact.id, { channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' });
    expect(simulator.getContact(contact.id)!.updatedAt).toBe(stamped);
    await adapter.writeConsent(contact.id, { channel: 'EMAIL', purpose: 'THIRD_PARTY', status: 'GRANTED' });
    expect(simulator.groupSubscription(contact.id, '13')).toBe(true);
    await adapter.writeConsent(contact.id, { channel: 'SMS', purpose: 'MARKETING', status: 'DENIED' });
    expect(adapter.acceptsConsent('SMS', 'MARKETING')).toBe(false);
    expect(simulator.writes().map((write) => write.route)).toEqual(['contact.update', 'contact.update', 'subscription.update']);
    expect(simulator.writes()[0]!.body).toMatchObject({ id: contact.id, emailAddress: contact.emailAddress, isSubscribed: 'false' });
    await expect(adapter.writeConsent('999999999', { channel: 'EMAIL', purpose: 'MARKETING', status: 'GRANTED' })).rejects.toMatchObject({ kind: 'NOT_FOUND' });
    expect(adapter.statusHeldAfter({ channel: 'EMAIL', purpose: 'MARKETING', status: 'PENDING' })).toBe('DENIED');
  });

  it("learns the base URL from the login service once, and reports wrong credentials (Eloqua's 200 \"Not authenticated.\") as AUTH", async () => {
    const discovering = makeAdapter({ baseUrl: 'https://login.eloqua.example', loginUrl: simulator.descriptor.credentials.loginUrl, discoverBaseUrl: true });
    try {
      await discovering.fetchByIds([contacts[2]!.id, contacts[3]!.id]);
      expect(simulator.requestCount('id')).toBe(1);
    } finally {
      await discovering.close();
    }
    const wrong = makeAdapter({ password: 'wrong', loginUrl: simulator.descriptor.credentials.loginUrl, discoverBaseUrl: true });
    try {
      await expect(wrong.fetchByIds([contacts[2]!.id])).rejects.toMatchObject({ kind: 'AUTH', vendorCode: 'Not authenticated.' });
    } finally {
      await wrong.close();
    }
    const refused = makeAdapter({ password: 'wrong' });
    try {
      await expect(refused.fetchByIds([contacts[2]!.id])).rejects.toMatchObject({ kind: 'AUTH', status: 401 });
    } finally {
      await refused.close();
    }
  });

  it('waits out an injected 429 and then reads', async () => {
    simulator.setFaults({ rateLimit: { count: 1, retryAfterSeconds: 1 } });
    const [record] = await adapter.fetchByIds([contacts[4]!.id]);
    expect(record!.recordId).toBe(contacts[4]!.id);
  });
});

function basicOf(simulator: EloquaSimulator): string {
  const { siteName, userName, password } = simulator.descriptor.credentials;
  return `Basic ${Buffer.from(`${siteName}\\${userName}:${password}`).toString('base64')}`;
}
