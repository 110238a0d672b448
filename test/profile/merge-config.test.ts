import { defaultMergeConfig, parseMergeConfig } from '../../src/profile/merge-config';

describe('parseMergeConfig', () => {
  it('answers the defaults when nothing is overridden', () => {
    expect(parseMergeConfig()).toEqual(defaultMergeConfig);
  });

  it('overrides one field and keeps the others', () => {
    const config = parseMergeConfig({ phones: { rule: 'source-priority', priority: ['identity', 'salesforce'] } });
    expect(config.phones).toEqual({ rule: 'source-priority', priority: ['identity', 'salesforce'] });
    expect(config.emails).toEqual(defaultMergeConfig.emails);
  });

  it('rejects union on a single-valued field, a priority rule without a list, and an unknown rule', () => {
    expect(() => parseMergeConfig({ birthDate: { rule: 'union' } })).toThrow(/list fields only.*birthDate/);
    expect(() => parseMergeConfig({ name: { rule: 'source-priority' } })).toThrow(/"name".*priority/);
    expect(() => parseMergeConfig({ name: { rule: 'coin-toss' } })).toThrow(/Invalid merge rules at name\.rule/);
    expect(() => parseMergeConfig({ shoeSize: { rule: 'union' } })).toThrow(/Invalid merge rules/);
  });
});
