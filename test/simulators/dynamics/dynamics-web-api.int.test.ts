import { DynamicsWebApi } from 'dynamics-web-api';
import type { DynamicsSimulator } from '../../../simulators/dynamics/dynamics-simulator';
import { dynamicsPopulation } from '../../../simulators/dynamics/dynamics-population';
import type { DynamicsContact } from '../../../simulators/dynamics/dynamics-contact';
import { startTestDynamics, testPopulation } from '../../harness/simulators';

/**
 * Contract: Microsoft Dataverse's Node client, dynamics-web-api 2.5.0, drives the
 * simulator given only the server URL and a token its `onTokenRefresh` callback fetches
 * from the simulated Microsoft identity platform endpoint (client credentials).
 */

let simulator: DynamicsSimulator;
let client: DynamicsWebApi;
let tokenCalls = 0;
const contacts = dynamicsPopulation(testPopulation()).contacts;

/** What an app does with @azure/msal-node: a client-credentials token for `<org>/.default`. */
async function acquireToken(): Promise<string> {
  tokenCalls += 1;
  const { baseUrl, credentials } = simulator.descriptor;
  const response = await fetch(credentials.tokenUrl!, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId!, client_secret: credentials.clientSecret!, scope: `${baseUrl}/.default` }),
  });
  const body = (await response.json()) as { access_token: string; token_type: string; expires_in: number };
  expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
  return body.access_token;
}

beforeAll(async () => {
  simulator = await startTestDynamics();
  client = new DynamicsWebApi({ serverUrl: simulator.descriptor.baseUrl, onTokenRefresh: acquireToken, dataApi: { version: '9.2' } });
});

afterAll(async () => {
  await simulator.stop();
});

test('retrieveMultiple with $select, $filter and maxPageSize pages through @odata.nextLink to every matching contact', async () => {
  const optedOut = contacts.filter((contact) => contact.donotbulkemail);
  expect(optedOut.length).toBeGreaterThan(10);
  const request = { collection: 'contacts', select: ['fullname', 'emailaddress1', 'donotbulkemail'], filter: 'donotbulkemail eq true and statecode eq 0', maxPageSize: 7 };
  const seen: { contactid: string; donotbulkemail: boolean; '@odata.etag': string }[] = [];
  let page = await client.retrieveMultiple(request);
  let pages = 1;
  seen.push(...page.value);
  while (page.oDataNextLink) {
    page = await client.retrieveMultiple(request, page.oDataNextLink);
    pages += 1;
    seen.push(...page.value);
  }
  const expected = optedOut.filter((contact) => contact.statecode === 0);
  expect(seen.map((row) => row.contactid).sort()).toEqual(expected.map((contact) => contact.contactid).sort());
  expect(pages).toBe(Math.ceil(expected.length / 7));
  expect(seen.every((row) => row.donotbulkemail && /^W\/"\d+"$/.test(row['@odata.etag']))).toBe(true);
  expect(Object.keys(seen[0]!).sort()).toEqual(['@odata.etag', 'contactid', 'donotbulkemail', 'emailaddress1', 'fullname']);
  expect(tokenCalls).toBeGreaterThan(0);
});

test('the In query function and an or of equalities find contacts by id and by any of three email columns, ignoring case', async () => {
  const [a, b] = contacts as [DynamicsContact, DynamicsContact];
  const byId = await client.retrieveMultiple({
    collection: 'contacts',
    select: ['contactid'],
    filter: `Microsoft.Dynamics.CRM.In(PropertyName='contactid',PropertyValues=['${a.contactid}','${b.contactid.toUpperCase()}'])`,
  });
  expect(byId.value.map((row: { contactid: string }) => row.contactid).sort()).toEqual([a.contactid, b.contactid].sort());
  const email = (a.emailaddress2 ?? a.emailaddress1)!.toUpperCase().replace(/'/g, "''");
  const byEmail = await client.retrieveMultiple({
    collection: 'contacts',
    select: ['contactid'],
    filter: `emailaddress1 eq '${email}' or emailaddress2 eq '${email}' or emailaddress3 eq '${email}'`,
  });
  expect(byEmail.value.map((row: { contactid: string }) => row.contactid)).toEqual([a.contactid]);
});

test('retrieve by id, then update with ifmatch: the current ETag writes, a stale one answers 412 and the library returns false', async () => {
  const id = contacts[3]!.contactid;
  const before = await client.retrieve<{ '@odata.etag': string; donotemail: boolean }>({ collection: 'contacts', key: id, select: ['donotemail', 'modifiedon'] });
  const written = await client.update({ collection: 'contacts', key: id, data: { donotemail: !before.donotemail }, ifmatch: before['@odata.etag'] });
  expect(written).toBe(true);
  const after = await client.retrieve<{ '@odata.etag': string; donotemail: boolean }>({ collection: 'contacts', key: id, select: ['donotemail'] });
  expect(after.donotemail).toBe(!before.donotemail);
  expect(after['@odata.etag']).not.toBe(before['@odata.etag']);
  const stale = await client.update({ collection: 'contacts', key: id, data: { donotemail: before.donotemail }, ifmatch: before['@odata.etag'] });
  expect(stale).toBe(false);
  expect(simulator.getContact(id)!.donotemail).toBe(!before.donotemail);
  expect(simulator.writes().map((write) => write.recordId)).toEqual([id]);
});

test('change tracking: trackChanges answers every contact and a delta link, which then answers only what changed since', async () => {
  const all = await client.retrieveAll<{ contactid: string }>({ collection: 'contacts', select: ['contactid', 'donotphone'], trackChanges: true, maxPageSize: 50 });
  expect(all.value).toHaveLength(contacts.length);
  expect(all.oDataDeltaLink).toMatch(/\$deltatoken=/);
  const changed = contacts[5]!;
  const response = await fetch(`${new URL(simulator.descriptor.baseUrl).origin}/__admin/record-change`, {
    method: 'POST',
    body: JSON.stringify({ id: changed.contactid, attributes: { donotphone: !simulator.getContact(changed.contactid)!.donotphone } }),
  });
  expect(response.status).toBe(200);
  const delta = await client.retrieveMultiple({ collection: 'contacts' }, all.oDataDeltaLink);
  expect(delta.value.map((row: { contactid: string }) => row.contactid)).toEqual([changed.contactid]);
  expect(delta.oDataDeltaLink).toMatch(/\$deltatoken=/);
});

test('errors arrive in the OData shape the library reads: status, code and message', async () => {
  const missing = '00000000-0000-4000-8000-000000000000';
  await expect(client.retrieve({ collection: 'contacts', key: missing })).rejects.toMatchObject({
    status: 404,
    code: '0x80040217',
    message: `contact With Id = ${missing} Does Not Exist`,
  });
  await expect(client.retrieveMultiple({ collection: 'contacts', filter: 'nosuchcolumn eq 1' })).rejects.toMatchObject({
    status: 400,
    code: '0x80060888',
    message: expect.stringContaining("Could not find a property named 'nosuchcolumn'"),
  });
  simulator.setFaults({ rateLimit: { count: 1, retryAfterSeconds: 7 } });
  const limited = await client.retrieveMultiple({ collection: 'contacts', top: 1 }).catch((error: unknown) => error);
  expect(limited).toMatchObject({ status: 429, code: '0x80072322', headers: expect.objectContaining({ 'retry-after': '7' }) });
});
