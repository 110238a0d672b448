import { sourcePriorityRule } from '../../src/profile/source-priority-rule';

const at = (iso: string) => new Date(iso);

describe('sourcePriorityRule', () => {
  const candidates = [
    { system: 'mailchimp', recordId: 'm1', updatedAt: at('2026-03-01T00:00:00Z'), value: 'from esp' },
    { system: 'salesforce', recordId: 's1', updatedAt: at('2026-01-01T00:00:00Z'), value: 'from crm' },
    { system: 'identity', recordId: 'u1', updatedAt: at('2026-02-01T00:00:00Z'), value: 'from idp' },
  ];

  it('takes the value of the highest-ranked system that has one, however old', () => {
    const outcome = sourcePriorityRule(candidates, { priority: ['salesforce', 'identity', 'mailchimp'] });
    expect(outcome.value).toBe('from crm');
    expect(outcome.from.map((c) => c.recordId)).toEqual(['s1']);
    expect(outcome.reason).toContain('salesforce > identity > mailchimp');
  });

  it('prefers the newest record of one system over an older duplicate', () => {
    const outcome = sourcePriorityRule(
      [...candidates, { system: 'salesforce', recordId: 's2', updatedAt: at('2026-04-01T00:00:00Z'), value: 'newer crm' }],
      { priority: ['salesforce'] },
    );
    expect(outcome.value).toBe('newer crm');
  });

  it('falls back to the newest unlisted system when no listed system has a value', () => {
    const outcome = sourcePriorityRule(candidates, { priority: ['erp'] });
    expect(outcome.value).toBe('from esp');
    expect(outcome.reason).toMatch(/newest/);
  });

  it('answers no value when there are no candidates', () => {
    expect(sourcePriorityRule([], { priority: ['salesforce'] }).value).toBeUndefined();
  });
});
