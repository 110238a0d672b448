import { randomBytes } from 'node:crypto';
import { openSearchCursor, sealSearchCursor } from '../../src/identity/search-cursor';

describe('search cursors', () => {
  const secret = randomBytes(32);

  it('gives back the sealed position, for the same query only', () => {
    const cursor = sealSearchCursor(secret, 'jane d', { phase: 'name', after: 'jane doe|crm:1' });
    expect(openSearchCursor(secret, 'jane d', cursor)).toEqual({ phase: 'name', after: 'jane doe|crm:1' });
    expect(() => openSearchCursor(secret, 'jane', cursor)).toThrow('another search');
  });

  it('seals a position the same way every time, and names of different lengths alike', () => {
    const a = sealSearchCursor(secret, 'jo', { phase: 'name', after: 'jo li|crm:1' });
    expect(sealSearchCursor(secret, 'jo', { phase: 'name', after: 'jo li|crm:1' })).toBe(a);
    expect(sealSearchCursor(secret, 'jo', { phase: 'name', after: 'jo lindqvist|crm:1' })).toHaveLength(a.length);
  });

  it("refuses a cursor sealed with another store's secret", () => {
    const cursor = sealSearchCursor(randomBytes(32), 'jane d', { phase: 'term', after: null });
    expect(() => openSearchCursor(secret, 'jane d', cursor)).toThrow('not a cursor this search returned');
  });
});
