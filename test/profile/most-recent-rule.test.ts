import { mostRecentRule } from '../../src/profile/most-recent-rule';

const at = (iso: string) => new Date(iso);

describe('mostRecentRule', () => {
  it('takes the value of the record changed last', () => {
    const outcome = mostRecentRule(
      [
        { system: 'salesforce', recordId: 's1', updatedAt: at('2026-01-01T00:00:00Z'), value: 'old' },
        { system: 'identity', recordId: 'u1', updatedAt: at('2026-02-01T00:00:00Z'), value: 'new' },
      ],
      {},
    );
    expect(outcome.value).toBe('new');
    expect(outcome.from[0]!.system).toBe('identity');
  });

  it('breaks a tie in time by the priority list, whatever order the records arrive in', () => {
    const same = at('2026-01-01T00:00:00Z');
    const a = { system: 'salesforce', recordId: 's1', updatedAt: same, value: 'crm' };
    const b = { system: 'identity', recordId: 'u1', updatedAt: same, value: 'idp' };
    expect(mostRecentRule([a, b], { priority: ['identity', 'salesforce'] }).value).toBe('idp');
    expect(mostRecentRule([b, a], { priority: ['identity', 'salesforce'] }).value).toBe('idp');
  });
});
