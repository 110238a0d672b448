import type { SourceRecord } from '../../src/adapters/source-adapter';
import { parseMergeConfig } from '../../src/profile/merge-config';
import { mergeProfile } from '../../src/profile/merge-profile';
import { tallyFieldMatrix } from '../../src/systems-map/tally-field-matrix';

const at = (day: number) => new Date(Date.UTC(2026, 0, day));
const record = (system: string, recordId: string, day: number, fields: SourceRecord['fields']): SourceRecord => ({ system, recordId, updatedAt: at(day), fields, consentFlags: [], crossReferences: [] });
const systems = [
  { name: 'salesforce', provides: new Set(['name', 'emails', 'phones', 'birthDate']) },
  { name: 'mailchimp', provides: new Set(['name', 'emails']) },
  { name: 'identity', provides: new Set(['name', 'emails', 'locale']) },
];
const config = parseMergeConfig();

describe('tallyFieldMatrix', () => {
  // Ann: the CRM and the ESP disagree about her name (the CRM wins by priority); both hold the same email.
  const ann = mergeProfile('cus_ann', [record('salesforce', '003A', 1, { givenName: 'Ann', familyName: 'Lee', emails: ['ann@example.com'] }), record('mailchimp', 'h1', 5, { givenName: 'Anne', familyName: 'Lee', emails: ['ANN@example.com '] })], { config });
  // Bob: only the identity system, which holds his name and locale.
  const bob = mergeProfile('cus_bob', [record('identity', 'u-1', 2, { givenName: 'Bob', familyName: 'Ray', locale: 'en-GB' })], { config });
  const byField = new Map(tallyFieldMatrix([ann, bob], systems).map((tally) => [tally.field, tally]));

  it('lists every profile field with every system in configuration order, and what each system is configured to provide', () => {
    expect([...byField.keys()]).toEqual(['name', 'emails', 'phones', 'addresses', 'birthDate', 'locale']);
    expect(byField.get('birthDate')!.systems.map((system) => [system.system, system.provides])).toEqual([
      ['salesforce', true],
      ['mailchimp', false],
      ['identity', false],
    ]);
  });

  it('counts a conflict only where two records disagree, who held a value, and whose value won', () => {
    expect(byField.get('name')).toEqual({
      field: 'name',
      conflicts: 1,
      systems: [
        { system: 'salesforce', provides: true, held: 1, wins: 1 },
        { system: 'mailchimp', provides: true, held: 1, wins: 0 },
        { system: 'identity', provides: true, held: 1, wins: 1 },
      ],
    });
    // The same address in two spellings is no conflict; the union keeps it once, from the newer record (the ESP's), which wins.
    expect(byField.get('emails')).toMatchObject({ conflicts: 0, systems: [{ held: 1, wins: 0 }, { held: 1, wins: 1 }, { held: 0, wins: 0 }] });
    expect(byField.get('locale')!.systems.map((system) => [system.system, system.held, system.wins])).toEqual([
      ['salesforce', 0, 0],
      ['mailchimp', 0, 0],
      ['identity', 1, 1],
    ]);
  });

  it('counts nothing over no customers', () => {
    expect(tallyFieldMatrix([], systems).every((tally) => tally.conflicts === 0 && tally.systems.every((system) => system.held === 0 && system.wins === 0))).toBe(true);
  });
});
