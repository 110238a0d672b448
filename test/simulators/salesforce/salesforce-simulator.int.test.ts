import type { SalesforceSimulator } from '../../../simulators/salesforce/salesforce-simulator';
import { salesforceToken, startTestSalesforce, testPopulation, type JsonBody } from '../../harness/simulators';

/** The Salesforce simulator's contract over plain HTTP: auth, limits, errors, SOQL subset and escaping. */

let simulator: SalesforceSimulator;
let token: string;

async function api(path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: JsonBody }> {
  const response = await fetch(`${simulator.descriptor.baseUrl}/services/data/v65.0${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const query = (soql: string) => api(`/query?q=${encodeURIComponent(soql)}`);
const retrieve = (ids: string[], fields: string[]) =>
  api('/composite/sobjects/Contact', { method: 'POST', body: JSON.stringify({ ids, fields }) });

beforeAll(async () => {
  simulator = await startTestSalesforce({ apiDailyLimit: 5000 });
  token = await salesforceToken(simulator);
});

afterAll(async () => {
  await simulator.stop();
});

test('bad client credentials get the OAuth error shape', async () => {
  const response = await fetch(`${simulator.descriptor.baseUrl}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: simulator.descriptor.credentials.clientId!, client_secret: 'wrong' }),
  });
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual({ error: 'invalid_client', error_description: 'invalid client credentials' });
});

test('an API call without a valid bearer token is a 401 INVALID_SESSION_ID', async () => {
  const response = await fetch(`${simulator.descriptor.baseUrl}/services/data/v60.0/query?q=SELECT+Id+FROM+Contact`, {
    headers: { authorization: 'Bearer not-a-token' },
  });
  expect(response.status).toBe(401);
  expect(await response.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
});

test('every API answer carries Sforce-Limit-Info with the usage so far', async () => {
  const first = await query('SELECT Id FROM Contact LIMIT 1');
  const second = await query('SELECT Id FROM Contact LIMIT 1');
  const used = (headers: Headers): number => Number(/api-usage=(\d+)\/5000/.exec(headers.get('sforce-limit-info') ?? '')?.[1]);
  expect(used(second.headers)).toBe(used(first.headers) + 1);
  const limits = await api('/limits');
  expect(limits.body.DailyApiRequests).toEqual({ Max: 5000, Remaining: 5000 - used(limits.headers) });
  expect(simulator.apiUsage).toBe(used(limits.headers)); // live, not a copy taken at start
});

test('retrieve takes up to 2,000 ids, refuses more, and refuses an unknown field for the whole call', async () => {
  const contacts = testPopulation().salesforceContacts;
  const ids = Array.from({ length: 2000 }, (_, i) => contacts[i % contacts.length]!.Id);
  const ok = await retrieve(ids, ['Id', 'Email']);
  expect(ok.status).toBe(200);
  expect(ok.body).toHaveLength(2000);
  expect(ok.body[1999].Id).toBe(ids[1999]);
  const tooMany = await retrieve([...ids, contacts[0]!.Id], ['Id']);
  expect(tooMany.status).toBe(400);
  expect(tooMany.body[0].errorCode).toBe('EXCEEDED_ID_LIMIT');
  const badField = await retrieve([contacts[0]!.Id], ['Id', 'Shoe_Size__c']);
  expect(badField.status).toBe(400);
  expect(badField.body[0]).toMatchObject({ errorCode: 'INVALID_FIELD' });
});

test('the GET form of retrieve answers like the POST form, 15-character ids included', async () => {
  const [a, b] = testPopulation().salesforceContacts;
  const { status, body } = await api(`/composite/sobjects/Contact?ids=${a!.Id.slice(0, 15)},${b!.Id}&fields=Id,LastName,Account.Name`);
  expect(status).toBe(200);
  expect(body.map((r: { Id: string }) => r.Id)).toEqual([a!.Id, b!.Id]);
  expect(body[0].attributes).toEqual({ type: 'Contact', url: `/services/data/v65.0/sobjects/Contact/${a!.Id}` });
});

test('SOQL equality is case-insensitive, OR works, and escaped quotes stay inside the literal', async () => {
  const contact = testPopulation().salesforceContacts.find((c) => c.Email)!;
  const other = testPopulation().salesforceContacts.find((c) => c.Email && c.Id !== contact.Id)!;
  const found = await query(`SELECT Id, Email FROM Contact WHERE Email = '${contact.Email!.toUpperCase()}' OR Email = '${other.Email}'`);
  expect(found.status).toBe(200);
  expect(found.body.records.map((r: { Id: string }) => r.Id).sort()).toEqual([contact.Id, other.Id].sort());
  expect(found.body).toMatchObject({ done: true, totalSize: 2 });

  // An escaped quote cannot end the literal and add a condition.
  const injected = await query(`SELECT Id FROM Contact WHERE Email = 'x\\' OR LastName != \\'' `);
  expect(injected.status).toBe(200);
  expect(injected.body.totalSize).toBe(0);
  const withBackslash = await query(`SELECT Id FROM Contact WHERE LastName = 'O\\'Brien\\\\'`);
  expect(withBackslash.status).toBe(200);
  const unescaped = await query(`SELECT Id FROM Contact WHERE LastName = 'O'Brien'`);
  expect(unescaped.status).toBe(400);
  expect(unescaped.body[0].errorCode).toBe('MALFORMED_QUERY');
});

test('LastModifiedDate > datetime ORDER BY LastModifiedDate, Id pages in order with nextRecordsUrl', async () => {
  const contacts = testPopulation().salesforceContacts;
  const since = '2024-09-01T00:00:00Z';
  const expected = contacts
    .filter((c) => Date.parse(c.LastModifiedDate.replace('+0000', 'Z')) > Date.parse(since))
    .sort((a, b) => a.LastModifiedDate.localeCompare(b.LastModifiedDate) || a.Id.toLowerCase().localeCompare(b.Id.toLowerCase()))
    .map((c) => c.Id);
  const seen: string[] = [];
  let page = await api(`/query?q=${encodeURIComponent(`SELECT Id, LastModifiedDate FROM Contact WHERE LastModifiedDate > ${since} ORDER BY LastModifiedDate, Id`)}`, {
    headers: { 'sforce-query-options': 'batchSize=200' },
  });
  for (;;) {
    expect(page.status).toBe(200);
    expect(page.body.totalSize).toBe(expected.length);
    seen.push(...page.body.records.map((r: { Id: string }) => r.Id));
    if (page.body.done) break;
    const next = page.body.nextRecordsUrl as string;
    expect(next).toMatch(/^\/services\/data\/v65\.0\/query\/01g\w+-\d+$/);
    page = await api(next.replace('/services/data/v65.0', ''), { headers: { 'sforce-query-options': 'batchSize=200' } });
  }
  expect(seen).toEqual(expected);
  const wrongType = await query(`SELECT Id FROM Contact WHERE LastModifiedDate > '${since}'`);
  expect(wrongType.status).toBe(400);
  expect(wrongType.body[0].errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
});

test('PATCH answers 204, 404 NOT_FOUND for an unknown id, and 400 for an unknown or read-only field', async () => {
  const contact = testPopulation().salesforceContacts[5]!;
  const ok = await api(`/sobjects/Contact/${contact.Id}`, { method: 'PATCH', body: JSON.stringify({ DoNotCall: true }) });
  expect(ok.status).toBe(204);
  expect(ok.body).toBeUndefined();
  expect(simulator.getContact(contact.Id)?.DoNotCall).toBe(true);
  const missing = await api('/sobjects/Contact/003000000000000AAA', { method: 'PATCH', body: JSON.stringify({ DoNotCall: true }) });
  expect(missing.status).toBe(404);
  expect(missing.body).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  const unknown = await api(`/sobjects/Contact/${contact.Id}`, { method: 'PATCH', body: JSON.stringify({ Favourite_Colour__c: 'red' }) });
  expect(unknown.status).toBe(400);
  expect(unknown.body[0]).toMatchObject({ errorCode: 'INVALID_FIELD', fields: ['Favourite_Colour__c'] });
  const readOnly = await api(`/sobjects/Contact/${contact.Id}`, { method: 'PATCH', body: JSON.stringify({ LastModifiedDate: '2020-01-01T00:00:00Z' }) });
  expect(readOnly.status).toBe(400);
  expect(readOnly.body[0].errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
});

test('a subquery on OpportunityContactRoles answers the rows that match, and null (not an empty list) when none do', async () => {
  const population = testPopulation();
  const open = new Set(population.salesforceOpportunities.filter((opportunity) => !opportunity.IsClosed).map((opportunity) => opportunity.Id));
  const openRoles = (contactId: string) =>
    population.salesforceOpportunityContactRoles.filter((role) => role.ContactId === contactId && open.has(role.OpportunityId)).length;
  const withOpen = population.salesforceContacts.find((contact) => openRoles(contact.Id) > 0)!;
  const withoutOpen = population.salesforceContacts.find((contact) => openRoles(contact.Id) === 0)!;
  const { status, body } = await query(
    `SELECT Id, Account.Name, (SELECT Id, Opportunity.StageName FROM OpportunityContactRoles WHERE Opportunity.IsClosed = false) FROM Contact WHERE Id IN ('${withOpen.Id}', '${withoutOpen.Id}')`,
  );
  expect(status).toBe(200);
  const byId = new Map((body.records as JsonBody[]).map((record) => [record.Id, record]));
  expect(byId.get(withOpen.Id).OpportunityContactRoles).toMatchObject({ totalSize: openRoles(withOpen.Id), done: true });
  expect(byId.get(withOpen.Id).OpportunityContactRoles.records[0]).toMatchObject({
    attributes: { type: 'OpportunityContactRole' },
    Opportunity: { StageName: expect.any(String) },
  });
  expect(byId.get(withoutOpen.Id).OpportunityContactRoles).toBeNull();

  const unknown = await query('SELECT Id, (SELECT Id FROM Cases) FROM Contact LIMIT 1');
  expect(unknown).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_TYPE' }] });
});

test('Composite answers each query subrequest as if sent alone, counts as one API call, and refuses a sixth query', async () => {
  const [first, second] = testPopulation().salesforceContacts;
  const subrequest = (soql: string, referenceId: string) => ({ method: 'GET', url: `/services/data/v65.0/query?q=${encodeURIComponent(soql)}`, referenceId });
  const usage = simulator.apiUsage;
  const { status, body } = await api('/composite', {
    method: 'POST',
    body: JSON.stringify({
      compositeRequest: [
        subrequest(`SELECT Id, Owner.Name FROM Contact WHERE Id IN ('${first!.Id}', '${second!.Id}')`, 'both'),
        subrequest('SELECT Nope FROM Contact', 'broken'),
      ],
    }),
  });
  expect(status).toBe(200);
  expect(simulator.apiUsage).toBe(usage + 1);
  expect(body.compositeResponse).toEqual([
    expect.objectContaining({ referenceId: 'both', httpStatusCode: 200, body: expect.objectContaining({ totalSize: 2, done: true }) }),
    expect.objectContaining({ referenceId: 'broken', httpStatusCode: 400, body: [expect.objectContaining({ errorCode: 'INVALID_FIELD' })] }),
  ]);

  const six = Array.from({ length: 6 }, (_, i) => subrequest('SELECT Id FROM Contact LIMIT 1', `q${i}`));
  const refused = await api('/composite', { method: 'POST', body: JSON.stringify({ compositeRequest: six }) });
  expect(refused).toMatchObject({ status: 400, body: [{ errorCode: 'LIMIT_EXCEEDED' }] });
});
