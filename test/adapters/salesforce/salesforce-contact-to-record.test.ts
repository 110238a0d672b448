import { salesforceContactToRecord } from '../../../src/adapters/salesforce/salesforce-contact-to-record';

const contact = {
  attributes: { type: 'Contact', url: '/services/data/v65.0/sobjects/Contact/0035e000000000AAAA' },
  Id: '0035e000000000AAAA',
  FirstName: 'Ada',
  LastName: 'Lovelace',
  Email: 'Ada@Example.com ',
  Phone: '020 7946 0000',
  MobilePhone: null,
  MailingStreet: '12 St James Sq',
  MailingCity: 'London',
  MailingPostalCode: 'SW1Y 4JH',
  MailingCountry: 'United Kingdom',
  Birthdate: '1815-12-10',
  LastModifiedDate: '2025-03-01T10:20:30.000+0000',
  HasOptedOutOfEmail: true,
  DoNotCall: false,
  HasOptedOutOfFax: false,
  Account: { Name: 'Analytical Engines Ltd' },
  Owner: { Name: 'Charles Babbage' },
  Tier__c: 'Gold',
  Lifetime_Value__c: 1234.5,
  Open_Cases__c: 2,
  OpportunityContactRoles: { totalSize: 3, done: true, records: [{}, {}, {}] },
};

describe('salesforceContactToRecord', () => {
  it('maps the canonical fields, keeping values as the CRM holds them', () => {
    const record = salesforceContactToRecord(contact, { system: 'crm' });
    expect(record).toMatchObject({
      system: 'crm',
      recordId: '0035e000000000AAAA',
      updatedAt: new Date('2025-03-01T10:20:30.000Z'),
      fields: {
        givenName: 'Ada',
        familyName: 'Lovelace',
        emails: ['Ada@Example.com '],
        phones: ['020 7946 0000'],
        addresses: [{ line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' }],
        birthDate: '1815-12-10',
      },
      crm: { accountName: 'Analytical Engines Ltd', ownerName: 'Charles Babbage', tier: 'Gold', lifetimeValue: 1234.5, openOpportunities: 3, openCases: 2 },
      crossReferences: [],
      raw: contact,
    });
  });

  it('gives the country as the ISO 3166-1 alpha-2 code the SDL promises, whatever the CRM user typed, and leaves out one it cannot name', () => {
    const countryOf = (MailingCountry: string) =>
      salesforceContactToRecord({ Id: '0035e000000000DDDD', MailingCity: 'X', MailingCountry }, { system: 'crm' }).fields.addresses?.[0]?.country;
    expect(['United Kingdom', 'UK', 'Great Britain', 'gb'].map(countryOf)).toEqual(['GB', 'GB', 'GB', 'GB']);
    expect(['Deutschland', 'Germany', 'France', 'Pays-Bas', 'the Netherlands', 'USA', 'United States'].map(countryOf)).toEqual([
      'DE', 'DE', 'FR', 'NL', 'NL', 'US', 'US',
    ]);
    expect(countryOf('Atlantis')).toBeUndefined();
  });

  it('counts open opportunities from the subquery: null (none matched) is 0, an absent subquery is unknown', () => {
    expect(salesforceContactToRecord({ Id: '0035e000000000EEEE', OpportunityContactRoles: null }, { system: 'crm' }).crm).toEqual({ openOpportunities: 0 });
    expect(salesforceContactToRecord({ Id: '0035e000000000EEEE' }, { system: 'crm' }).crm).toEqual({});
  });

  it('translates the opt-out fields to channel x purpose flags; "not opted out" is an implicit grant', () => {
    const record = salesforceContactToRecord(contact, { system: 'crm' });
    expect(record.consentFlags).toEqual([
      { channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' },
      { channel: 'PHONE', purpose: 'MARKETING', status: 'GRANTED', implicit: true },
      { channel: 'FAX', purpose: 'MARKETING', status: 'GRANTED', implicit: true },
    ]);
  });

  it('reads custom CRM facts through the field map', () => {
    const record = salesforceContactToRecord({ Id: '0035e000000000BBBB', Segment__c: 'Platinum' }, { system: 'crm', fieldMap: { tier: 'Segment__c' } });
    expect(record.crm).toEqual({ tier: 'Platinum' });
  });

  it('leaves out what the contact does not hold', () => {
    const record = salesforceContactToRecord({ Id: '0035e000000000CCCC', LastName: 'Solo', Email: null, Phone: '' }, { system: 'crm' });
    expect(record.fields).toEqual({ familyName: 'Solo' });
    expect(record.consentFlags).toEqual([]);
  });
});
