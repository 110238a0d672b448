import { scimUserToRecord } from '../../../src/adapters/scim/scim-user-to-record';
import { scimEquals } from '../../../src/adapters/scim/scim-filter';
import { CONSENT_EXTENSION_URN, type ScimUser } from '../../../src/adapters/scim/scim-user';

const user: ScimUser = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', CONSENT_EXTENSION_URN],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: '0035e000000000AAAA',
  userName: 'ada@example.com',
  name: { formatted: 'Ada Lovelace', givenName: 'Ada', familyName: 'Lovelace' },
  emails: [
    { value: 'ada@work.example', type: 'work', primary: false },
    { value: 'Ada@Example.com', type: 'home', primary: true },
  ],
  phoneNumbers: [{ value: '+447700900123', type: 'mobile' }],
  locale: 'en-GB',
  active: true,
  meta: { resourceType: 'User', created: '2024-01-01T00:00:00Z', lastModified: '2025-03-01T10:20:30Z', version: 'W/"3"' },
  [CONSENT_EXTENSION_URN]: { emailMarketing: 'granted', smsMarketing: 'denied', phoneMarketing: 'pending' },
};

describe('scimUserToRecord', () => {
  it('maps core attributes, primary email first', () => {
    const record = scimUserToRecord(user, { system: 'idp', crossReferenceSystem: 'crm' });
    expect(record).toMatchObject({
      system: 'idp',
      recordId: user.id,
      updatedAt: new Date('2025-03-01T10:20:30Z'),
      fields: {
        givenName: 'Ada',
        familyName: 'Lovelace',
        emails: ['Ada@Example.com', 'ada@work.example'],
        phones: ['+447700900123'],
        locale: 'en-GB',
      },
      identity: { username: 'ada@example.com', active: true },
    });
  });

  it('reads externalId as a cross-reference to the CRM that provisioned the user', () => {
    expect(scimUserToRecord(user, { system: 'idp', crossReferenceSystem: 'crm' }).crossReferences).toEqual([
      { system: 'crm', recordId: '0035e000000000AAAA' },
    ]);
    expect(scimUserToRecord(user, { system: 'idp' }).crossReferences).toEqual([]);
  });

  it('translates the consent extension to channel x purpose flags', () => {
    expect(scimUserToRecord(user, { system: 'idp' }).consentFlags).toEqual([
      { channel: 'EMAIL', purpose: 'MARKETING', status: 'GRANTED' },
      { channel: 'SMS', purpose: 'MARKETING', status: 'DENIED' },
      { channel: 'PHONE', purpose: 'MARKETING', status: 'PENDING' },
    ]);
  });

  it('has no flags for a user without the extension', () => {
    const { [CONSENT_EXTENSION_URN]: _extension, ...plain } = user;
    expect(scimUserToRecord(plain as ScimUser, { system: 'idp' }).consentFlags).toEqual([]);
  });
});

describe('scimEquals', () => {
  it('writes the value as a JSON string, escaping quotes and backslashes', () => {
    expect(scimEquals('emails.value', 'ada@example.com')).toBe('emails.value eq "ada@example.com"');
    expect(scimEquals('emails.value', 'x" or userName pr or emails.value eq "')).toBe(
      'emails.value eq "x\\" or userName pr or emails.value eq \\""',
    );
    expect(scimEquals('emails.value', 'a\\')).toBe('emails.value eq "a\\\\"');
  });

  it('refuses an attribute path that is not one', () => {
    expect(() => scimEquals('emails.value eq "x" or id', 'x')).toThrow(TypeError);
  });
});
