import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ErrorCode, errorCatalog } from '../../src/errors/error-codes';

/** The rows of README.md's "Error codes" table: code, HTTP status, meaning. */
function documentedCodes(): Map<string, number> {
  const readme = readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.split(/^## Error codes$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = [...section.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)];
  return new Map(rows.map(([, code, status]) => [code!, Number(status)]));
}

describe('error codes', () => {
  it('has the number of codes the README documents (update both together)', () => {
    expect(Object.keys(errorCatalog)).toHaveLength(17);
    expect(documentedCodes().size).toBe(Object.keys(errorCatalog).length);
  });

  it.each(Object.values(ErrorCode))('documents %s in the README with its HTTP status', (code) => {
    expect(documentedCodes().get(code)).toBe(errorCatalog[code].httpStatus);
  });

  it('has no documented code the API cannot return', () => {
    for (const code of documentedCodes().keys()) expect(Object.values(ErrorCode)).toContain(code);
  });

  it('uses values equal to the names, so clients can switch on strings', () => {
    for (const [name, value] of Object.entries(ErrorCode)) expect(value).toBe(name);
  });

  it('gives every code a message and a 4xx or 5xx status', () => {
    for (const entry of Object.values(errorCatalog)) {
      expect(entry.message.length).toBeGreaterThan(5);
      expect(entry.httpStatus).toBeGreaterThanOrEqual(400);
      expect(entry.httpStatus).toBeLessThan(600);
    }
  });
});
