import { randomUUID } from 'node:crypto';
import { DynamicsAdapter } from '../../../src/adapters/dynamics/dynamics-adapter';
import { SourceError } from '../../../src/adapters/http/source-error';
import { GatewayError } from '../../../src/errors/gateway-error';
import type { DynamicsContact } from '../../../simulators/dynamics/dynamics-contact';
import { dynamicsPopulation } from '../../../simulators/dynamics/dynamics-population';
import { startDynamicsSimulator, type DynamicsSimulator } from '../../../simulators/dynamics/dynamics-simulator';
import { testPopulation } from '../../harness/simulators';

const HOSTILE_EMAIL = "o'brien') or (emailaddress1 ne 'x@example.com";

describe('DynamicsAdapter against the Dataverse simulator', () => {
  const population = dynamicsPopulation(testPopulation()).contacts;
  // The first contact has a hostile email in its second column.
  const contacts: DynamicsContact[] = population.map((contact, index) => (index === 0 ? { ...contact, emailaddress2: HOSTILE_EMAIL } : contact));
  let simulator: DynamicsSimulator;
  let adapter: DynamicsAdapter;

  const makeAdapter = () => {
    const { baseUrl, credentials } = simulator.descriptor;
    return new DynamicsAdapter({
      name: 'd365',
      baseUrl,
      tenantId: credentials.tenantId!,
      clientId: credentials.clientId!,
      clientSecret: credentials.clientSecret!,
      tokenUrl: credentials.tokenUrl,
      retry: { initialDelayMs: 10, maxDelayMs: 2000 },
    });
  };
  const reads = () => simulator.requestCount('contacts.list');

  beforeAll(async () => {
    simulator = await startDynamicsSimulator({ contacts });
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

  it('reads many ids in one In-filtered call, in the order asked, ignoring case, null for an unknown or malformed id', async () => {
    const ids = contacts.slice(0, 60).map((contact) => contact.contactid);
    const asked = [ids[5]!.toUpperCase(), 'not-a-guid', randomUUID(), ...ids];
    const records = await adapter.fetchByIds(asked);
    expect(reads()).toBe(1);
    expect(simulator.requestCount('token')).toBe(1);
    expect(records[0]!.recordId).toBe(ids[5]);
    expect(records.slice(1, 3)).toEqual([null, null]);
    expect(records.slice(3).map((record) => record!.recordId)).toEqual(ids);
    expect(adapter.minimumReadCalls(60)).toBe(1);
  });

  it('needs one call per 500 ids, so 1,001 ids are three calls', async () => {
    const ids = [...contacts.map((contact) => contact.contactid), ...Array.from({ length: 1001 - contacts.length }, () => randomUUID())];
    const records = await adapter.fetchByIds(ids);
    expect(records.filter(Boolean)).toHaveLength(contacts.length);
    expect(reads()).toBe(3);
    expect(adapter.minimumReadCalls(1001)).toBe(3);
  });

  it('maps a contact: names, the three emails and phones, the address with its country code, and each do-not column as a flag', async () => {
    const contact = contacts.find((candidate) => candidate.telephone1 && candidate.mobilephone && candidate.emailaddress2 && candidate !== contacts[0])!;
    const [record] = await adapter.fetchByIds([contact.contactid]);
    expect(record).toMatchObject({
      system: 'd365',
      recordId: contact.contactid,
      updatedAt: new Date(contact.modifiedon),
      fields: {
        givenName: contact.firstname,
        familyName: contact.lastname,
        emails: [contact.emailaddress1, contact.emailaddress2, contact.emailaddress3].filter(Boolean),
        phones: [contact.mobilephone, contact.telephone1],
        addresses: [expect.objectContaining({ city: contact.address1_city, country: expect.stringMatching(/^[A-Z]{2}$/) })],
      },
      crossReferences: [],
    });
    const flag = (channel: string, purpose: string) => record!.consentFlags.find((entry) => entry.channel === channel && entry.purpose === purpose);
    expect(flag('EMAIL', 'MARKETING')).toEqual(contact.donotbulkemail ? { channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' } : { channel: 'EMAIL', purpose: 'MARKETING', status: 'GRANTED', implicit: true });
    expect(flag('POSTAL', 'SERVICE')!.status).toBe(contact.donotpostalmail ? 'DENIED' : 'GRANTED');
    expect(record!.consentFlags).toHaveLength(6);
  });

  it('finds a contact by an email in any of its three columns, in another case, and a quote in it cannot change the filter', async () => {
    const contact = contacts.find((candidate) => candidate.emailaddress2 && candidate !== contacts[0])!;
    const found = await adapter.findByKey({ kind: 'email', value: ` ${contact.emailaddress2!.toUpperCase()} ` });
    expect(found.map((record) => record.recordId)).toEqual([contact.contactid]);
    const hostile = await adapter.findByKey({ kind: 'email', value: HOSTILE_EMAIL });
    expect(hostile.map((record) => record.recordId)).toEqual([contacts[0]!.contactid]);
  });

  it('finds a contact by phone whatever format is asked (the CRM keeps international format with spaces)', async () => {
    const contact = contacts.find((candidate) => candidate.mobilephone)!;
    const e164 = contact.mobilephone!.replace(/\s/g, '');
    const found = await adapter.findByKey({ kind: 'phone', value: e164 });
    expect(found.map((record) => record.recordId)).toContain(contact.contactid);
  });

  it('pages through every contact by @odata.nextLink for a backfill, and refuses a cursor it did not issue', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await adapter.changedSince(cursor, { pageSize: 25 });
      seen.push(...page.records.map((record) => record.recordId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(new Set(seen).size).toBe(contacts.length);
    expect(seen).toHaveLength(contacts.length);
    expect(pages).toBe(Math.ceil(contacts.length / 25));
    const foreign = Buffer.from(JSON.stringify({ next: 'https://evil.example/steal' })).toString('base64url');
    await expect(adapter.changedSince(foreign)).rejects.toThrow(GatewayError);
  });

  it('lists records changed at or after a time by modifiedon, oldest first', async () => {
    const since = new Date(Date.now() - 1000);
    const changed = contacts[7]!;
    await fetch(`${simulator.descriptor.baseUrl}/__admin/record-change`, { method: 'POST', body: JSON.stringify({ id: changed.contactid, attributes: { donotfax: !simulator.getContact(changed.contactid)!.donotfax } }) });
    const records = await adapter.recordsChangedSince(since);
    expect(records.map((record) => record.recordId)).toEqual([changed.contactid]);
    expect(records[0]!.updatedAt.getTime()).toBeGreaterThanOrEqual(since.getTime() - 1000);
  });

  it('writes a consent change as its do-not column under If-Match: *, repeats harmlessly, and never creates a missing contact', async () => {
    const contact = contacts[9]!;
    await adapter.writeConsent(contact.contactid, { channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' });
    expect(simulator.getContact(contact.contactid)!.donotbulkemail).toBe(true);
    const version = simulator.getContact(contact.contactid)!.versionnumber;
    await adapter.writeConsent(contact.contactid, { channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' });
    expect(simulator.getContact(contact.contactid)!.versionnumber).toBe(version);
    await adapter.writeConsent(contact.contactid, { channel: 'POSTAL', purpose: 'MARKETING', status: 'GRANTED' });
    expect(simulator.getContact(contact.contactid)!.donotsendmm).toBe(false);
    expect(simulator.writes().map((write) => write.body)).toEqual([{ donotbulkemail: true }, { donotbulkemail: true }, { donotsendmm: false }]);
    await adapter.writeConsent(contact.contactid, { channel: 'SMS', purpose: 'MARKETING', status: 'DENIED' });
    expect(adapter.acceptsConsent('SMS', 'MARKETING')).toBe(false);
    expect(simulator.writes()).toHaveLength(3);
    const missing = randomUUID();
    await expect(adapter.writeConsent(missing, { channel: 'PHONE', purpose: 'MARKETING', status: 'DENIED' })).rejects.toMatchObject({ kind: 'NOT_FOUND', vendorCode: '0x80040217' });
    expect(simulator.getContact(missing)).toBeUndefined();
    expect(adapter.statusHeldAfter({ channel: 'EMAIL', purpose: 'MARKETING', status: 'PENDING' })).toBe('DENIED');
  });

  it('waits out a service-protection 429 for its Retry-After and then reads', async () => {
    await adapter.fetchByIds([contacts[1]!.contactid]); // the token first
    simulator.setFaults({ rateLimit: { count: 1, retryAfterSeconds: 1 } });
    const started = Date.now();
    const [record] = await adapter.fetchByIds([contacts[1]!.contactid]);
    expect(record!.recordId).toBe(contacts[1]!.contactid);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(reads()).toBe(3);
  });

  it('fetches a new token once when the environment refuses the cached one', async () => {
    await adapter.fetchByIds([contacts[2]!.contactid]);
    simulator.revokeTokens();
    const [record] = await adapter.fetchByIds([contacts[2]!.contactid]);
    expect(record).not.toBeNull();
    expect(simulator.requestCount('token')).toBe(2);
  });

  it('reports refused credentials as AUTH with the identity platform error', async () => {
    const { baseUrl, credentials } = simulator.descriptor;
    const wrong = new DynamicsAdapter({ name: 'd365', baseUrl, tenantId: credentials.tenantId!, clientId: credentials.clientId!, clientSecret: 'wrong', tokenUrl: credentials.tokenUrl });
    try {
      const failure = await wrong.fetchByIds([contacts[0]!.contactid]).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SourceError);
      expect(failure).toMatchObject({ kind: 'AUTH', vendorCode: 'invalid_client', status: 401 });
    } finally {
      await wrong.close();
    }
  });
});
