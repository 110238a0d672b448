import type { SourceRecord } from '../../src/adapters/source-adapter';
import { keyId, keysOfRecord, parseKeyId, refId } from '../../src/identity/identity-key';

function record(overrides: Partial<SourceRecord> = {}): SourceRecord {
  return {
    system: 'crm',
    recordId: '003A',
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    fields: {},
    consentFlags: [],
    crossReferences: [],
    ...overrides,
  };
}

describe('keysOfRecord', () => {
  it('yields the own ref, cross-references, normalised emails and E.164 phones, without duplicates', () => {
    const keys = keysOfRecord(
      record({
        fields: { emails: [' Jane@Example.com', 'jane@example.com'], phones: ['07911 123456', '+44 7911 123456', 'bogus'] },
        crossReferences: [{ system: 'identity', recordId: 'u-1' }],
      }),
    ).map(keyId);
    expect(keys.sort()).toEqual(['email:jane@example.com', 'phone:+447911123456', 'ref:crm:003A', 'ref:identity:u-1'].sort());
  });

  it('uses the configured default region for national phone numbers', () => {
    const keys = keysOfRecord(record({ fields: { phones: ['(202) 555-0143'] } }), { phone: { defaultRegion: 'US' } }).map(keyId);
    expect(keys).toContain('phone:+12025550143');
  });

  it('encodes a colon in a system name so two refs can never collide', () => {
    expect(refId({ system: 'a:b', recordId: 'c' })).not.toBe(refId({ system: 'a', recordId: 'b:c' }));
  });

  it('parses a key id back into its kind and value', () => {
    expect(parseKeyId('ref:crm:003A')).toEqual({ kind: 'ref', value: 'crm:003A' });
    expect(parseKeyId('email:a@b.co')).toEqual({ kind: 'email', value: 'a@b.co' });
  });
});

describe('keysOfRecord phone region', () => {
  it('reads a national number in the country of the record\'s address, else the default region', () => {
    const us = keysOfRecord(record({ fields: { phones: ['(718) 200-0188'], addresses: [{ city: 'New York', country: 'US' }] } })).map(keyId);
    expect(us).toContain('phone:+17182000188');
    const byName = keysOfRecord(record({ fields: { phones: ['030 00000165'], addresses: [{ country: 'Germany' }] } })).map(keyId);
    expect(byName).toContain('phone:+493000000165');
    const noAddress = keysOfRecord(record({ fields: { phones: ['020 7946 0958'] } })).map(keyId);
    expect(noAddress).toContain('phone:+442079460958');
  });
});
