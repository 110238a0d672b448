import { soqlDatetime, soqlString } from '../../../src/adapters/salesforce/soql';

describe('soqlString', () => {
  it('quotes a plain value', () => {
    expect(soqlString('ada@example.com')).toBe("'ada@example.com'");
  });

  it('escapes quotes and backslashes so a value cannot close the literal', () => {
    expect(soqlString("x' OR Email != '")).toBe("'x\\' OR Email != \\''");
    expect(soqlString('a\\')).toBe("'a\\\\'");
    expect(soqlString('\\\' OR Id != null --')).toBe("'\\\\\\' OR Id != null --'");
    expect(soqlString('say "hi"')).toBe('\'say \\"hi\\"\'');
  });

  it('escapes control characters SOQL has escapes for', () => {
    expect(soqlString('a\nb\tc')).toBe("'a\\nb\\tc'");
  });
});

describe('soqlDatetime', () => {
  it('writes whole seconds in the documented UTC form', () => {
    expect(soqlDatetime(new Date('2025-03-01T10:20:30.000Z'))).toBe('2025-03-01T10:20:30Z');
  });

  it('keeps milliseconds when there are some', () => {
    expect(soqlDatetime(new Date('2025-03-01T10:20:30.250Z'))).toBe('2025-03-01T10:20:30.250Z');
  });
});
