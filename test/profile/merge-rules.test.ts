import { mergeRuleNamed, mergeRules } from '../../src/profile/merge-rules';

describe('mergeRules registry', () => {
  it('is frozen and holds each rule once', () => {
    expect(Object.isFrozen(mergeRules)).toBe(true);
    expect(mergeRules.map((rule) => rule.name)).toEqual(['source-priority', 'most-recent', 'union']);
  });

  it('names the known rules when asked for an unknown one', () => {
    expect(() => mergeRuleNamed('coin-toss')).toThrow('expected one of source-priority, most-recent, union');
  });
});
