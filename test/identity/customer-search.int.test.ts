import { GraphQLError } from 'graphql';
import { createCustomerServices, type CustomerServices } from '../../src/profile/create-customer-services';
import { openTestStore } from '../harness/store';
import { sourceRecord } from './source-record-factory';

/** Every cursor of a page, decoded as a careless reader of a URL or a log would try (match whole names: random bytes hold short words by chance). */
function readableCursors(page: { edges: { cursor: string }[]; pageInfo: { endCursor: string | null } }): string {
  const cursors = [...page.edges.map((edge) => edge.cursor), page.pageInfo.endCursor ?? ''];
  return cursors.map((cursor) => `${Buffer.from(cursor, 'base64url').toString('latin1')}\n${Buffer.from(cursor, 'base64').toString('latin1')}`).join('\n');
}

describe('CustomerSearch (FerretDB)', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let services: CustomerServices;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    store = await openTestStore();
    services = createCustomerServices({ store, adapters: [] });
    const outcomes = await services.resolver.resolveRecords([
      sourceRecord('crm', 'jm', { fields: { givenName: 'James', familyName: 'Murphy', emails: ['James.Murphy@example.com'], phones: ['+447911123457'] } }),
      sourceRecord('crm', 'jv', { fields: { givenName: 'Jan', familyName: 'de Vries', emails: ['jan@devries.example'] } }),
      sourceRecord('esp', 'mv', { fields: { givenName: 'Marit', familyName: 'de Vries', emails: ['marit@devries.example'] } }),
      // Found by the name prefix "vries j" (a given name Vries), not by a surname with an initial.
      sourceRecord('crm', 'vj', { fields: { givenName: 'Vries', familyName: 'Jansen', emails: ['vries.jansen@example.com'] } }),
      // One customer with two records (the same email), and two more J. Smiths.
      sourceRecord('crm', 'js1', { fields: { givenName: 'Jo', familyName: 'Smith', emails: ['jo@smith.example'] } }),
      sourceRecord('esp', 'js1', { fields: { givenName: 'Joanna', familyName: 'Smith', emails: ['jo@smith.example'] } }),
      sourceRecord('crm', 'js2', { fields: { givenName: 'John', familyName: 'Smith', emails: ['john@smith.example'] } }),
      sourceRecord('crm', 'js3', { fields: { givenName: 'Jack', familyName: 'Smith', emails: ['jack@smith.example'] } }),
      sourceRecord('crm', 'sj', { fields: { givenName: 'Smith', familyName: 'Jones', emails: ['smith@jones.example'] } }),
      ...Array.from({ length: 5 }, (_, i) => sourceRecord('crm', `jd${i}`, { fields: { givenName: 'Jane', familyName: `Doe${i}`, emails: [`jane.doe${i}@example.com`] } })),
    ]);
    for (const outcome of outcomes) ids[outcome.recordId] = outcome.customerId;
  });
  afterAll(() => store.dropAndClose());

  it("finds a customer by the local part of an email, saying so in matchedOn", async () => {
    const page = await services.customerSearch.search('James.Murphy');
    expect(page.edges.map((edge) => [edge.node.id, edge.matchedOn])).toEqual([[ids.jm, ['EMAIL_LOCAL_PART']]]);
  });

  it.each(['vries j', 'Vries, J.', 'j de vries', 'J. Vries', 'de vries j'])('finds Jan de Vries by a surname with an initial: %s', async (query) => {
    const page = await services.customerSearch.search(query);
    const jan = page.edges.find((edge) => edge.node.id === ids.jv);
    expect(jan?.matchedOn).toContain('SURNAME_AND_INITIAL');
    expect(page.edges.map((edge) => edge.node.id)).not.toContain(ids.mv); // another initial
  });

  it('lists surname-and-initial matches and name-prefix matches once each, saying why each matched', async () => {
    const page = await services.customerSearch.search('vries j', 10);
    expect(page.edges.map((edge) => [edge.node.id, edge.matchedOn])).toEqual([
      [ids.jv, ['SURNAME_AND_INITIAL']],
      [ids.vj, ['NAME']],
    ]);
  });

  it('says an email or a phone number matched as a key', async () => {
    expect((await services.customerSearch.search(' JAMES.MURPHY@example.com')).edges.map((edge) => edge.matchedOn)).toEqual([['EMAIL']]);
    expect((await services.customerSearch.search('07911 123457')).edges.map((edge) => edge.matchedOn)).toEqual([['PHONE']]);
  });

  it('pages through a search with cursors that carry no personal data, never repeating a customer', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pageNo = 0; pageNo < 10; pageNo++) {
      const page = await services.customerSearch.search('jane d', 2, after);
      expect(readableCursors(page)).not.toMatch(/jane doe|crm:jd/i);
      seen.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4].map((i) => ids[`jd${i}`]).sort());
  });

  it('pages through exact-term matches, then name matches, listing each customer once with every reason seen', async () => {
    const pages: [string, string[]][][] = [];
    let after: string | null = null;
    for (let pageNo = 0; pageNo < 10; pageNo++) {
      const page = await services.customerSearch.search('smith j', 1, after);
      pages.push(page.edges.map((edge) => [edge.node.id, edge.matchedOn]));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const listed = pages.flat().map(([id]) => id);
    expect(listed).toHaveLength(4);
    expect(new Set(listed)).toEqual(new Set([ids.js1, ids.js2, ids.js3, ids.sj]));
    expect(pages.flat().slice(0, 3).every(([, matchedOn]) => matchedOn.includes('SURNAME_AND_INITIAL'))).toBe(true);
    expect(pages.flat()[3]).toEqual([ids.sj, ['NAME']]);
  });

  it('gives an email search a cursor without the address', async () => {
    const page = await services.customerSearch.search('james.murphy@example.com');
    expect(page.edges).toHaveLength(1);
    expect(readableCursors(page)).not.toMatch(/james\.murphy|example\.com/i);
    expect((await services.customerSearch.search('james.murphy@example.com', 20, page.pageInfo.endCursor)).edges).toEqual([]);
  });

  it.each<[string, () => Promise<string>]>([
    ['a made-up cursor', async () => Buffer.from('jane doe1|crm:jd1', 'utf8').toString('base64url')],
    ['a cursor with one character changed', async () => {
      const cursor = (await services.customerSearch.search('jane d', 1)).pageInfo.endCursor!;
      const at = Math.floor(cursor.length / 2);
      return `${cursor.slice(0, at)}${cursor[at] === 'A' ? 'B' : 'A'}${cursor.slice(at + 1)}`;
    }],
    ["another query's cursor", async () => (await services.customerSearch.search('vries j', 1)).pageInfo.endCursor!],
    ['not base64 at all', async () => '%%%'],
  ])('rejects %s as BAD_USER_INPUT naming `after`', async (_what, cursor) => {
    const after = await cursor();
    const error = await services.customerSearch.search('jane d', 2, after).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    expect((error as GraphQLError).message).toContain('`after`');
  });
});
