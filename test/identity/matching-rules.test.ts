import { defaultMatchRules, validateMatchRules } from '../../src/identity/matching-rules';

describe('validateMatchRules', () => {
  it('accepts the defaults, strongest first', () => {
    expect(validateMatchRules(defaultMatchRules).map((rule) => rule.key)).toEqual(['ref', 'email', 'phone']);
  });

  it('rejects duplicate names, a repeated key kind and a list without ref', () => {
    expect(() => validateMatchRules([{ name: 'x', key: 'ref' }, { name: 'x', key: 'email' }])).toThrow(/unique/);
    expect(() => validateMatchRules([{ name: 'a', key: 'ref' }, { name: 'b', key: 'ref' }])).toThrow(/twice/);
    expect(() => validateMatchRules([{ name: 'a', key: 'email' }])).toThrow(/"ref"/);
  });
});
