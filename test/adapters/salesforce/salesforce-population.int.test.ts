import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { SalesforceAdapter } from '../../../src/adapters/salesforce/salesforce-adapter';
import type { SalesforceSimulator } from '../../../simulators/salesforce/salesforce-simulator';
import { startTestSalesforce, testPopulation } from '../../harness/simulators';

describe('SalesforceAdapter over a generated population', () => {
  let simulator: SalesforceSimulator;
  let adapter: SalesforceAdapter;

  beforeAll(async () => {
    simulator = await startTestSalesforce();
    adapter = new SalesforceAdapter({
      name: 'salesforce',
      baseUrl: simulator.descriptor.baseUrl,
      clientId: simulator.descriptor.credentials.clientId!,
      clientSecret: simulator.descriptor.credentials.clientSecret!,
    });
  });
  afterAll(async () => {
    await adapter.close();
    await simulator.stop();
  });

  it('reads every contact by id and maps the opt-outs to the same flags the contacts hold', async () => {
    const contacts = testPopulation().salesforceContacts;
    const records = await adapter.fetchByIds(contacts.map((contact) => contact.Id));
    expect(records).toHaveLength(contacts.length);
    records.forEach((record, index) => {
      const contact = contacts[index]!;
      expect(record?.recordId).toBe(contact.Id);
      expect(record?.fields.familyName).toBe(contact.LastName);
      expect(record?.consentFlags).toContainEqual(
        contact.HasOptedOutOfEmail
          ? { channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' }
          : { channel: 'EMAIL', purpose: 'MARKETING', status: 'GRANTED', implicit: true },
      );
    });
  });

  it('finds each contact by its email written in another case', async () => {
    const withEmail = testPopulation().salesforceContacts.filter((contact) => contact.Email).slice(0, 10);
    for (const contact of withEmail) {
      const found = await adapter.findByKey({ kind: 'email', value: contact.Email!.toUpperCase() });
      expect(found.map((record) => record.recordId)).toContain(contact.Id);
    }
  });

  it('finds a contact by an E.164 phone although the CRM keeps it in national format', async () => {
    const { people, salesforceContacts } = testPopulation();
    const byId = new Map(salesforceContacts.map((contact) => [contact.Id, contact]));
    const sample = people
      .flatMap((person) => person.records.filter((ref) => ref.system === 'salesforce').map((ref) => ({ person, contact: byId.get(ref.recordId)! })))
      .filter(({ contact }) => contact.MobilePhone)
      .slice(0, 10);
    expect(sample.length).toBe(10);
    for (const { person, contact } of sample) {
      const e164 = parsePhoneNumberFromString(contact.MobilePhone!, person.country as CountryCode)!.number;
      expect(contact.MobilePhone).not.toBe(e164);
      const found = await adapter.findByKey({ kind: 'phone', value: e164 });
      expect(found.map((record) => record.recordId)).toContain(contact.Id);
    }
  });

  it('backfills the whole org with changedSince, each contact once', async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await adapter.changedSince(cursor, { pageSize: 40 });
      ids.push(...page.records.map((record) => record.recordId));
      cursor = page.nextCursor;
    } while (cursor !== null && ids.length <= 10_000);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(testPopulation().salesforceContacts.map((contact) => contact.Id).sort());
  });
});
