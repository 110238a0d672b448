import { mailchimpMemberToRecord } from '../../../src/adapters/mailchimp/mailchimp-member-to-record';
import type { MailchimpMember } from '../../../src/adapters/mailchimp/mailchimp-member';
import { subscriberHash } from '../../../src/adapters/mailchimp/subscriber-hash';
import { dataCentreOf } from '../../../src/adapters/mailchimp/mailchimp-client';

const member: MailchimpMember = {
  id: subscriberHash('Ada@Example.com'),
  email_address: 'Ada@Example.com',
  status: 'subscribed',
  merge_fields: {
    FNAME: 'Ada',
    LNAME: 'Lovelace',
    PHONE: '+44 20 7946 0000',
    ADDRESS: { addr1: '12 St James Sq', addr2: '', city: 'London', state: '', zip: 'SW1Y 4JH', country: 'GB' },
    BIRTHDAY: '12/10',
  },
  interests: { '9143cf3bd1': true, '3a2a927344': false },
  marketing_permissions: [
    { marketing_permission_id: 'c7d5e0a1b2', text: 'Email', enabled: true },
    { marketing_permission_id: 'a9b8c7d6e5', text: 'Direct Mail', enabled: false },
    { marketing_permission_id: 'e1f2a3b4c5', text: 'Customized Online Advertising', enabled: true },
  ],
  last_changed: '2025-03-01T10:20:30+00:00',
  language: 'en',
  list_id: 'list1',
};

const names = { listName: 'Customers', interestNames: new Map([['9143cf3bd1', 'Newsletter'], ['3a2a927344', 'Product updates']]) };
const context = { system: 'esp', names };

describe('mailchimpMemberToRecord', () => {
  it('maps merge fields, engagement and the subscriber hash as the record id', () => {
    const record = mailchimpMemberToRecord(member, context);
    expect(record).toMatchObject({
      system: 'esp',
      recordId: subscriberHash('ada@example.com'),
      updatedAt: new Date('2025-03-01T10:20:30Z'),
      fields: {
        givenName: 'Ada',
        familyName: 'Lovelace',
        emails: ['Ada@Example.com'],
        phones: ['+44 20 7946 0000'],
        addresses: [{ line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' }],
        locale: 'en',
      },
      engagement: { lists: ['Customers'], subscriptionStatus: 'subscribed', interests: ['Newsletter'] },
      crossReferences: [],
    });
    expect(record.fields.birthDate).toBeUndefined(); // MM/DD has no year
  });

  it.each([
    ['subscribed', 'GRANTED'],
    ['unsubscribed', 'DENIED'],
    ['pending', 'PENDING'],
    ['cleaned', 'DENIED'],
    ['transactional', 'UNKNOWN'],
    ['archived', 'UNKNOWN'],
  ])('reads status %s as EMAIL/MARKETING %s', (status, expected) => {
    const record = mailchimpMemberToRecord({ ...member, status }, context);
    expect(record.consentFlags[0]).toEqual({ channel: 'EMAIL', purpose: 'MARKETING', status: expected });
  });

  it('reads GDPR permissions by their text', () => {
    const record = mailchimpMemberToRecord(member, context);
    expect(record.consentFlags.slice(1)).toEqual([
      { channel: 'POSTAL', purpose: 'MARKETING', status: 'DENIED' },
      { channel: 'EMAIL', purpose: 'THIRD_PARTY', status: 'GRANTED' },
    ]);
  });

  it('shows the audience and interests by name, never by id: an interest with no name is left out', () => {
    const record = mailchimpMemberToRecord({ ...member, interests: { '9143cf3bd1': true, '3a2a927344': true, deadbeef00: true } }, context);
    expect(record.engagement).toMatchObject({ lists: ['Customers'], interests: ['Newsletter', 'Product updates'] });
  });

  it('gives an ADDRESS country as its ISO 3166-1 alpha-2 code, even when a form left a name', () => {
    const address = (country: string) =>
      mailchimpMemberToRecord({ ...member, merge_fields: { ADDRESS: { addr1: '1 Rue', city: 'Paris', country } } }, context).fields.addresses?.[0]?.country;
    expect([address('FR'), address('fr'), address('France')]).toEqual(['FR', 'FR', 'FR']);
  });

  it('reads an empty ADDRESS and PHONE as absent', () => {
    const record = mailchimpMemberToRecord({ ...member, merge_fields: { FNAME: 'Ada', ADDRESS: '', PHONE: '' } }, context);
    expect(record.fields.addresses).toBeUndefined();
    expect(record.fields.phones).toBeUndefined();
  });
});

describe('subscriberHash', () => {
  it('is the MD5 of the trimmed, lower-cased address', () => {
    expect(subscriberHash(' Ada@Example.COM ')).toBe(subscriberHash('ada@example.com'));
    expect(subscriberHash('ada@example.com')).toBe('3e3417d7ef77d5932a6734b916515ed5');
  });
});

describe('dataCentreOf', () => {
  it('reads the data centre from the key suffix', () => {
    expect(dataCentreOf('0123456789abcdef0123456789abcdef-us6')).toBe('us6');
    expect(dataCentreOf('no-suffix')).toBeNull();
  });
});
