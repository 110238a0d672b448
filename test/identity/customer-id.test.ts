import { isCustomerId, newCustomerId } from '../../src/identity/customer-id';

describe('newCustomerId', () => {
  it('makes opaque ids that sort by creation time, so a merge can keep the older customer', () => {
    const older = newCustomerId(Date.parse('2026-01-01T00:00:00Z'));
    const newer = newCustomerId(Date.parse('2026-01-01T00:00:01Z'));
    expect(older < newer).toBe(true);
    expect(isCustomerId(older)).toBe(true);
    expect(isCustomerId('cus_nope')).toBe(false);
  });

  it('never repeats an id created in the same millisecond', () => {
    const at = Date.now();
    expect(new Set(Array.from({ length: 1000 }, () => newCustomerId(at))).size).toBe(1000);
  });
});
