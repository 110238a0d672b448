import type { SourceRecord } from '../../src/adapters/source-adapter';
import { parseMergeConfig } from '../../src/profile/merge-config';
import { mergeProfile } from '../../src/profile/merge-profile';

function record(system: string, recordId: string, updatedAt: string, overrides: Partial<SourceRecord>): SourceRecord {
  return { system, recordId, updatedAt: new Date(updatedAt), fields: {}, consentFlags: [], crossReferences: [], ...overrides };
}

// One person whose phone differs between the CRM and the identity system; the identity
// system changed it later.
const crm = record('salesforce', '003A', '2026-01-10T00:00:00Z', {
  fields: { givenName: 'Jane', familyName: 'Doe', emails: ['Jane.Doe@Example.com'], phones: ['07911 123456'], birthDate: '1990-04-01', locale: 'en-GB' },
  crm: { accountName: 'Acme', tier: 'GOLD', openCases: 2 },
});
const idp = record('identity', 'u-1', '2026-02-20T00:00:00Z', {
  fields: { givenName: 'Jane', familyName: 'Smith', emails: ['jane.doe@example.com'], phones: ['+44 7400 123456'], locale: 'en-US' },
  identity: { username: 'jane', active: true },
});
const esp = record('mailchimp', 'hash1', '2026-03-01T00:00:00Z', {
  fields: { emails: ['jane.doe@example.com'], givenName: 'J' },
  engagement: { subscriptionStatus: 'subscribed', lists: ['news'] },
});

describe('mergeProfile', () => {
  it('with the default rules keeps both phones (union) and reports the disagreement with no single winner', () => {
    const profile = mergeProfile('cus_1', [crm, idp, esp], { config: parseMergeConfig() });
    expect(profile.phones).toEqual(['+447400123456', '+447911123456']);
    expect(profile.provenance.filter((p) => p.field === 'phones').map((p) => [p.system, p.rule])).toEqual([
      ['identity', 'union'],
      ['salesforce', 'union'],
    ]);
    const conflict = profile.conflicts.find((c) => c.field === 'phones')!;
    expect(conflict.winner).toBeNull();
    expect(conflict.values.map((v) => [v.system, v.value])).toEqual([
      ['identity', '+447400123456'],
      ['salesforce', '+447911123456'],
    ]);
  });

  it('with phones configured as source-priority (CRM first) answers the CRM phone, with provenance and a conflict naming the CRM as winner', () => {
    const config = parseMergeConfig({ phones: { rule: 'source-priority', priority: ['salesforce', 'identity'] } });
    const profile = mergeProfile('cus_1', [crm, idp, esp], { config });
    expect(profile.phones).toEqual(['+447911123456']);
    expect(profile.provenance.filter((p) => p.field === 'phones')).toEqual([
      { field: 'phones', system: 'salesforce', recordId: '003A', updatedAt: crm.updatedAt, rule: 'source-priority' },
    ]);
    const conflict = profile.conflicts.find((c) => c.field === 'phones')!;
    expect(conflict.winner).toEqual({ system: 'salesforce', recordId: '003A', updatedAt: crm.updatedAt });
    expect(conflict.reason).toContain('salesforce > identity');
  });

  it('with phones configured as most-recent answers the identity system\'s newer phone', () => {
    const profile = mergeProfile('cus_1', [crm, idp, esp], { config: parseMergeConfig({ phones: { rule: 'most-recent' } }) });
    expect(profile.phones).toEqual(['+447400123456']);
    expect(profile.conflicts.find((c) => c.field === 'phones')!.winner).toMatchObject({ system: 'identity', recordId: 'u-1' });
  });

  it('resolves the name as a whole from the highest-priority source and reports the other spellings', () => {
    const profile = mergeProfile('cus_1', [crm, idp, esp], { config: parseMergeConfig() });
    expect(profile.name).toEqual({ given: 'Jane', family: 'Doe', full: 'Jane Doe' });
    const conflict = profile.conflicts.find((c) => c.field === 'name')!;
    expect(conflict.values.map((v) => v.value)).toEqual(['J', 'Jane Smith', 'Jane Doe']);
    expect(conflict.winner!.system).toBe('salesforce');
  });

  it('does not report a conflict when sources differ only in spelling (emails are normalised)', () => {
    const profile = mergeProfile('cus_1', [crm, idp, esp], { config: parseMergeConfig() });
    expect(profile.emails).toEqual(['jane.doe@example.com']);
    expect(profile.conflicts.some((c) => c.field === 'emails')).toBe(false);
  });

  it('lists, per resolved field, every system that held a value, whether or not its value won', () => {
    const profile = mergeProfile('cus_1', [crm, idp, esp], { config: parseMergeConfig() });
    expect(profile.fieldHolders).toEqual([
      { field: 'name', systems: ['identity', 'mailchimp', 'salesforce'] },
      { field: 'emails', systems: ['identity', 'mailchimp', 'salesforce'] },
      { field: 'phones', systems: ['identity', 'salesforce'] },
      { field: 'birthDate', systems: ['salesforce'] },
      { field: 'locale', systems: ['identity', 'salesforce'] },
    ]);
  });

  it('gives provenance for every resolved field and each view, and lists the source records', () => {
    const profile = mergeProfile('cus_1', [crm, idp, esp], { config: parseMergeConfig() });
    const fields = new Set(profile.provenance.map((p) => p.field));
    expect([...fields].sort()).toEqual(['birthDate', 'crm', 'emails', 'engagement', 'identity', 'locale', 'name', 'phones'].sort());
    expect(profile.locale).toBe('en-US'); // most-recent: the identity system changed it after the CRM
    expect(profile.crm).toMatchObject({ accountName: 'Acme' });
    expect(profile.engagement).toMatchObject({ subscriptionStatus: 'subscribed' });
    expect(profile.identity).toMatchObject({ username: 'jane' });
    expect(profile.sourceRecords.map((r) => `${r.system}/${r.recordId}`)).toEqual(['identity/u-1', 'mailchimp/hash1', 'salesforce/003A']);
  });

  it('leaves out what a missing source would have given, and answers empty fields for no records', () => {
    const profile = mergeProfile('cus_1', [idp], { config: parseMergeConfig() });
    expect(profile.crm).toBeNull();
    expect(profile.name!.full).toBe('Jane Smith');
    expect(profile.conflicts).toEqual([]);
    const empty = mergeProfile('cus_2', [], { config: parseMergeConfig() });
    expect(empty).toMatchObject({ id: 'cus_2', name: null, emails: [], phones: [], provenance: [], conflicts: [] });
  });
});
