import type { Connection, Record as SfRecord } from 'jsforce';
import type { SalesforceSimulator } from '../../../simulators/salesforce/salesforce-simulator';
import { jsforceConnection } from '../../harness/jsforce';
import { startTestSalesforce, testPopulation } from '../../harness/simulators';

/**
 * The vendor's own client (jsforce 3.10.16) against the Salesforce simulator, given only
 * its base URL and the connected app's credentials.
 */

type ContactRow = SfRecord & { Id: string; Email?: string | null };

let simulator: SalesforceSimulator;

/** A jsforce connection to the simulator under test. */
const connect = (): Connection => jsforceConnection(simulator);

beforeAll(async () => {
  simulator = await startTestSalesforce({ queryPageSize: 50 });
});

afterAll(async () => {
  await simulator.stop();
});

test('jsforce gets a token with the client-credentials grant and the token works', async () => {
  const conn = connect();
  const userInfo = await conn.authorize({ grant_type: 'client_credentials' });
  expect(conn.accessToken).toMatch(/^00D\w+!/);
  expect(conn.instanceUrl).toBe(simulator.descriptor.baseUrl);
  expect(userInfo.organizationId).toMatch(/^00D/);
  const result = await conn.query<ContactRow>('SELECT Id FROM Contact LIMIT 1');
  expect(result.records).toHaveLength(1);
});

test('jsforce refreshes the token through refreshFn after the tokens are revoked', async () => {
  const conn = connect();
  await conn.authorize({ grant_type: 'client_credentials' });
  const before = conn.accessToken;
  simulator.revokeTokens();
  const tokenCalls = simulator.requestCount('token');
  const result = await conn.query<ContactRow>('SELECT Id FROM Contact LIMIT 2');
  expect(result.records).toHaveLength(2);
  expect(conn.accessToken).not.toBe(before);
  expect(simulator.requestCount('token')).toBe(tokenCalls + 1);
});

test('retrieve of several ids answers in request order with a null slot for an unknown id', async () => {
  const conn = connect();
  const [first, second] = testPopulation().salesforceContacts;
  const unknown = '003000000000000AAA';
  const rows = (await conn
    .sobject('Contact')
    .retrieve([second!.Id, unknown, first!.Id], { fields: ['Id', 'Email', 'LastName'] })) as unknown as (ContactRow | null)[];
  expect(rows).toHaveLength(3);
  expect(rows[0]?.Id).toBe(second!.Id);
  expect(rows[0]?.Email).toBe(second!.Email);
  expect(rows[1]).toBeNull();
  expect(rows[2]?.Id).toBe(first!.Id);
  expect(rows[2]?.attributes?.type).toBe('Contact');
});

test('query pages through nextRecordsUrl with queryMore and with autoFetch', async () => {
  const conn = connect();
  const total = testPopulation().salesforceContacts.length;
  const firstPage = await conn.query<ContactRow>('SELECT Id, LastModifiedDate FROM Contact ORDER BY LastModifiedDate, Id');
  expect(firstPage.done).toBe(false);
  expect(firstPage.totalSize).toBe(total);
  expect(firstPage.records).toHaveLength(50);
  // The simulator answers a relative nextRecordsUrl; jsforce makes it absolute.
  expect(firstPage.nextRecordsUrl).toMatch(/\/services\/data\/v65\.0\/query\/01g\w+-50$/);
  const secondPage = await conn.queryMore<ContactRow>(firstPage.nextRecordsUrl as string);
  expect(secondPage.records[0]?.Id).not.toBe(firstPage.records[0]?.Id);

  const all: ContactRow[] = [];
  await new Promise<void>((resolve, reject) => {
    conn
      .query<ContactRow>('SELECT Id FROM Contact')
      .on('record', (record: ContactRow) => all.push(record))
      .on('end', () => resolve())
      .on('error', reject)
      .run({ autoFetch: true, maxFetch: 10_000 });
  });
  expect(all).toHaveLength(total);
  expect(new Set(all.map((r) => r.Id)).size).toBe(total);
});

test('update sends a PATCH that the next read sees', async () => {
  const conn = connect();
  const contact = testPopulation().salesforceContacts[3]!;
  const result = await conn.sobject('Contact').update({ Id: contact.Id, HasOptedOutOfEmail: !contact.HasOptedOutOfEmail });
  expect(result.success).toBe(true);
  expect(simulator.getContact(contact.Id)?.HasOptedOutOfEmail).toBe(!contact.HasOptedOutOfEmail);
  expect(simulator.requestCount('sobject.update')).toBeGreaterThanOrEqual(1);
});

test('a vendor error surfaces as a jsforce error carrying the errorCode', async () => {
  const conn = connect();
  await expect(conn.query('SELECT NoSuchField__c FROM Contact')).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
  await expect(conn.query("SELECT Id FROM Contact WHERE Email = 'unterminated")).rejects.toMatchObject({
    errorCode: 'MALFORMED_QUERY',
  });
});
