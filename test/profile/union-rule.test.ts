import { unionRule } from '../../src/profile/union-rule';

const at = (iso: string) => new Date(iso);

describe('unionRule', () => {
  it('keeps every distinct value once, newest records first, and names each contributing record', () => {
    const outcome = unionRule(
      [
        { system: 'salesforce', recordId: 's1', updatedAt: at('2026-01-01T00:00:00Z'), value: ['+447911123456', '+442079460958'] },
        { system: 'identity', recordId: 'u1', updatedAt: at('2026-02-01T00:00:00Z'), value: ['+447700900001', '+447911123456'] },
        { system: 'mailchimp', recordId: 'm1', updatedAt: at('2026-03-01T00:00:00Z'), value: [] },
      ],
      {},
      (value) => String(value),
    );
    expect(outcome.value).toEqual(['+447700900001', '+447911123456', '+442079460958']);
    expect(outcome.from.map((c) => c.recordId)).toEqual(['u1', 's1']);
  });

  it('de-duplicates by the given key', () => {
    const outcome = unionRule(
      [{ system: 'a', recordId: '1', updatedAt: at('2026-01-01T00:00:00Z'), value: ['X', 'x'] }],
      {},
      (value) => String(value).toLowerCase(),
    );
    expect(outcome.value).toEqual(['X']);
  });
});
