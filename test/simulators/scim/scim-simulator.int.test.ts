import { CONSENT_EXTENSION_URN, type ScimUser } from '../../../simulators/population/vendor-records';
import type { ScimSimulator } from '../../../simulators/scim/scim-simulator';
import { startTestScim, testPopulation, type JsonBody } from '../../harness/simulators';

/** The SCIM simulator over HTTP with plain fetch, as an RFC 7644 client sees it. */

let simulator: ScimSimulator;

interface ListResponse {
  schemas: string[];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: (ScimUser & { meta: { location: string; version: string } })[];
}

async function call(path: string, init: RequestInit & { token?: string } = {}): Promise<{ status: number; headers: Headers; body: JsonBody }> {
  const { token = simulator.descriptor.credentials.bearerToken, ...rest } = init;
  const response = await fetch(`${simulator.descriptor.baseUrl}${path}`, {
    ...rest,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', ...(rest.headers ?? {}) },
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const filterPath = (filter: string, extra = ''): string => `/Users?filter=${encodeURIComponent(filter)}${extra}`;

beforeAll(async () => {
  simulator = await startTestScim();
});

afterAll(async () => {
  await simulator.stop();
});

test('a filter on emails.value matches whatever the case (caseExact=false)', async () => {
  const user = testPopulation().scimUsers.find((u) => u.emails[0]!.value.trim() === u.emails[0]!.value)!;
  const shouted = user.emails[0]!.value.toUpperCase();
  const { status, headers, body } = await call(filterPath(`emails.value eq "${shouted}"`));
  expect(status).toBe(200);
  expect(headers.get('content-type')).toContain('application/scim+json');
  const list = body as ListResponse;
  expect(list.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
  expect(list.totalResults).toBe(1);
  expect(list.Resources[0]!.id).toBe(user.id);
  // The same holds for userName, and through scimmy's full matcher (not only the index).
  const byUserName = await call(filterPath(`userName eq "${user.userName.toUpperCase()}" and active eq ${String(user.active)}`));
  expect((byUserName.body as ListResponse).Resources.map((r) => r.id)).toEqual([user.id]);
});

test('a filter on phoneNumbers.value finds the user holding that number as written', async () => {
  const user = testPopulation().scimUsers[8]!;
  const phone = user.phoneNumbers[0]!.value;
  const { body } = await call(filterPath(`phoneNumbers.value eq "${phone}"`));
  expect((body as ListResponse).Resources.map((r) => r.id)).toEqual([user.id]);
});

test('a quote or backslash in a filter value is data, not syntax', async () => {
  const injected = await call(filterPath('userName eq "x\\" or userName pr or userName eq \\"y"'));
  expect(injected.status).toBe(200);
  expect((injected.body as ListResponse).totalResults).toBe(0);
  const malformed = await call(filterPath('userName eq "unterminated'));
  expect(malformed.status).toBe(400);
  expect(malformed.body).toMatchObject({ status: '400', scimType: 'invalidFilter' });
});

test('ListResponse pages with a 1-based startIndex and count', async () => {
  const total = testPopulation().scimUsers.length;
  const first = (await call('/Users?startIndex=1&count=10')).body as ListResponse;
  const second = (await call('/Users?startIndex=11&count=10')).body as ListResponse;
  expect(first.totalResults).toBe(total);
  expect(first.startIndex).toBe(1);
  expect(first.itemsPerPage).toBe(10);
  expect(second.startIndex).toBe(11);
  expect(second.Resources[0]!.id).toBe(testPopulation().scimUsers[10]!.id);
  expect(new Set([...first.Resources, ...second.Resources].map((r) => r.id)).size).toBe(20);
  const last = (await call(`/Users?startIndex=${total}&count=10`)).body as ListResponse;
  expect(last.Resources).toHaveLength(1);
});

test('PATCH with op "Replace" (as Entra sends it) changes consent in the extension and the version', async () => {
  const user = testPopulation().scimUsers[2]!;
  const before = await call(`/Users/${user.id}`);
  const etag = before.headers.get('etag') as string;
  expect(etag).toMatch(/^W\/".+"$/);
  const next = user[CONSENT_EXTENSION_URN].emailMarketing === 'denied' ? 'granted' : 'denied';
  const patched = await call(`/Users/${user.id}`, {
    method: 'PATCH',
    headers: { 'if-match': etag },
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: `${CONSENT_EXTENSION_URN}:emailMarketing`, value: next }],
    }),
  });
  expect(patched.status).toBe(200);
  expect(patched.body[CONSENT_EXTENSION_URN].emailMarketing).toBe(next);
  expect(patched.body.meta.version).not.toBe(etag);
  expect(patched.headers.get('etag')).toBe(patched.body.meta.version);
  expect(simulator.getUser(user.id)?.[CONSENT_EXTENSION_URN].emailMarketing).toBe(next);

  // The old ETag no longer matches: 412.
  const stale = await call(`/Users/${user.id}`, {
    method: 'PATCH',
    headers: { 'if-match': etag },
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: `${CONSENT_EXTENSION_URN}:emailMarketing`, value: 'pending' }],
    }),
  });
  expect(stale.status).toBe(412);
  expect(stale.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '412' });
});

test('PATCH accepts Entra\'s string booleans and a path-less value keyed by the extension URN', async () => {
  const user = testPopulation().scimUsers[6]!;
  const { status, body } = await call(`/Users/${user.id}`, {
    method: 'PATCH',
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Add', value: { [CONSENT_EXTENSION_URN]: { smsMarketing: 'pending' } } },
      ],
    }),
  });
  expect(status).toBe(200);
  expect(body.active).toBe(false);
  expect(body[CONSENT_EXTENSION_URN].smsMarketing).toBe('pending');
});

test('a value outside the canonical consent values is a 400 invalidValue', async () => {
  const user = testPopulation().scimUsers[4]!;
  const { status, body } = await call(`/Users/${user.id}`, {
    method: 'PATCH',
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: `${CONSENT_EXTENSION_URN}:smsMarketing`, value: 'maybe' }],
    }),
  });
  expect(status).toBe(400);
  expect(body).toMatchObject({ status: '400', scimType: 'invalidValue' });
});

test('an unknown id is a SCIM 404 with a string status', async () => {
  const { status, body } = await call('/Users/00000000-0000-4000-8000-000000000000');
  expect(status).toBe(404);
  expect(body).toEqual({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: '404',
    detail: expect.stringContaining('not found') as unknown as string,
  });
});

test('a missing or wrong bearer token is a 401', async () => {
  const { status, body, headers } = await call('/Users?count=1', { token: 'wrong' });
  expect(status).toBe(401);
  expect(body.status).toBe('401');
  expect(headers.get('www-authenticate')).toContain('Bearer');
});

test('discovery declares the consent extension in /Schemas and /ResourceTypes', async () => {
  const types = await call('/ResourceTypes');
  const userType = types.body.Resources.find((r: { id: string }) => r.id === 'User');
  expect(userType.schemaExtensions).toEqual([{ schema: CONSENT_EXTENSION_URN, required: false }]);
  const schemas = await call('/Schemas');
  const consent = schemas.body.Resources.find((s: { id: string }) => s.id === CONSENT_EXTENSION_URN);
  expect(consent.attributes.map((a: { name: string }) => a.name)).toEqual(['emailMarketing', 'smsMarketing', 'phoneMarketing']);
  const config = await call('/ServiceProviderConfig');
  expect(config.body.patch.supported).toBe(true);
  expect(config.body.filter).toMatchObject({ supported: true, maxResults: 200 });
  expect(config.body.etag.supported).toBe(true);
});
