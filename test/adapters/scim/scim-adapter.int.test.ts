import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { ScimAdapter, type ScimAdapterOptions } from '../../../src/adapters/scim/scim-adapter';
import { CONSENT_EXTENSION_URN } from '../../../src/adapters/scim/scim-user';
import type { ScimUser } from '../../../simulators/population/vendor-records';
import { startScimSimulator, type ScimSimulator } from '../../../simulators/scim/scim-simulator';
import { testPopulation } from '../../harness/simulators';

const HOSTILE_EMAIL = 'o"brien\\x@example.com';
const SHARED_EMAIL = 'family@example.com';

describe('ScimAdapter against the SCIM simulator', () => {
  const population = testPopulation().scimUsers;
  // The first user has a hostile email; the last two share one (a family address).
  const users: ScimUser[] = population.map((user, index) =>
    index === 0
      ? { ...user, emails: [{ value: HOSTILE_EMAIL, type: 'home', primary: true }] }
      : index >= population.length - 2
        ? { ...user, emails: [{ value: SHARED_EMAIL, type: 'home', primary: true }] }
        : user,
  );
  let simulator: ScimSimulator;
  let adapter: ScimAdapter;

  const makeAdapter = (options: Partial<ScimAdapterOptions> = {}) =>
    new ScimAdapter({
      name: 'idp',
      baseUrl: simulator.descriptor.baseUrl,
      bearerToken: simulator.descriptor.credentials.bearerToken!,
      crossReferenceSystem: 'crm',
      retry: { initialDelayMs: 10, maxDelayMs: 200 },
      ...options,
    });

  beforeAll(async () => {
    simulator = await startScimSimulator({ users });
  });
  afterAll(async () => {
    await simulator.stop();
  });
  beforeEach(() => {
    simulator.setFaults({});
    simulator.resetCounters();
    adapter = makeAdapter();
  });
  afterEach(async () => {
    await adapter.close();
  });

  it('reads users by id in request order, null for an unknown id', async () => {
    const ids = [users[1]!.id, 'no-such-user', users[2]!.id];
    const records = await adapter.fetchByIds(ids);
    expect(records.map((record) => record?.recordId ?? null)).toEqual([users[1]!.id, null, users[2]!.id]);
    expect(records[0]).toMatchObject({ system: 'idp', identity: { username: users[1]!.userName } });
  });

  it('reads 120 users in three filtered list calls (`id eq ... or ...`, 50 a call), never one GET each', async () => {
    simulator.resetCounters();
    const ids = users.slice(0, 120).map((user) => user.id);
    const records = await adapter.fetchByIds([...ids, 'no-such-user']);
    expect(records.map((record) => record?.recordId ?? null)).toEqual([...ids, null]);
    expect(simulator.requestCount('users.list')).toBe(3);
    expect(simulator.requestCount('users.get')).toBe(0);
  });

  it('keeps an id with quotes inside the batch filter as data', async () => {
    const records = await adapter.fetchByIds([users[1]!.id, 'x" or userName pr or id eq "y']);
    expect(records.map((record) => record?.recordId ?? null)).toEqual([users[1]!.id, null]);
  });

  it('reads each id with its own GET when the provider cannot filter on id (idBatchSize 1)', async () => {
    adapter = makeAdapter({ idBatchSize: 1 });
    simulator.resetCounters();
    await adapter.fetchByIds([users[1]!.id, users[2]!.id]);
    expect(simulator.requestCount('users.get')).toBe(2);
    expect(simulator.requestCount('users.list')).toBe(0);
  });

  it('reads externalId as a cross-reference to the CRM', async () => {
    const provisioned = users.find((user) => user.externalId)!;
    const [record] = await adapter.fetchByIds([provisioned.id]);
    expect(record?.crossReferences).toEqual([{ system: 'crm', recordId: provisioned.externalId }]);
  });

  it('finds a user by email case-insensitively, as RFC 7643 declares emails', async () => {
    const user = users[3]!;
    const found = await adapter.findByKey({ kind: 'email', value: user.emails[0]!.value.toUpperCase() });
    expect(found.map((record) => record.recordId)).toContain(user.id);
  });

  it('finds a user by an email holding a quote and a backslash, exactly', async () => {
    const found = await adapter.findByKey({ kind: 'email', value: HOSTILE_EMAIL });
    expect(found.map((record) => record.recordId)).toEqual([users[0]!.id]);
  });

  it('cannot be made to change the SCIM filter by a hostile value', async () => {
    for (const value of ['x" or userName pr or emails.value eq "', 'x\\" or id pr or emails.value eq \\"', '" or active eq true or "']) {
      await expect(adapter.findByKey({ kind: 'email', value })).resolves.toEqual([]);
    }
    expect(simulator.requestCount('users.list')).toBe(3);
  });

  it('finds a user by phone in E.164 whichever format the identity system holds', async () => {
    const user = users.find((candidate) => candidate.phoneNumbers[0]?.value.includes(' '))!;
    const e164 = parsePhoneNumberFromString(user.phoneNumbers[0]!.value)!.number;
    const found = await adapter.findByKey({ kind: 'phone', value: e164 });
    expect(found.map((record) => record.recordId)).toContain(user.id);
  });

  it('pages a lookup through ListResponse startIndex and count', async () => {
    adapter = makeAdapter({ lookupPageSize: 1 });
    const found = await adapter.findByKey({ kind: 'email', value: SHARED_EMAIL });
    expect(found.map((record) => record.recordId).sort()).toEqual(users.slice(-2).map((user) => user.id).sort());
    expect(simulator.requestCount('users.list')).toBe(2);
  });

  it('pages through every user with changedSince (1-based startIndex), each once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await adapter.changedSince(cursor, { pageSize: 30 });
      seen.push(...page.records.map((record) => record.recordId));
      cursor = page.nextCursor;
    } while (cursor !== null && seen.length <= 10_000);
    expect(seen.sort()).toEqual(users.map((user) => user.id).sort());
  });

  it('writes a consent attribute back with a PatchOp under If-Match', async () => {
    // A user whose SMS flag is not already denied, so the write is a real change.
    const user = users.find((candidate) => simulator.getUser(candidate.id)![CONSENT_EXTENSION_URN]?.smsMarketing !== 'denied')!;
    const before = simulator.getUser(user.id)!.meta.version;
    await adapter.writeConsent(user.id, { channel: 'SMS', purpose: 'MARKETING', status: 'DENIED' });
    const after = simulator.getUser(user.id)!;
    expect(after[CONSENT_EXTENSION_URN].smsMarketing).toBe('denied');
    expect(after.meta.version).not.toBe(before);
    const [record] = await adapter.fetchByIds([user.id]);
    expect(record?.consentFlags).toContainEqual({ channel: 'SMS', purpose: 'MARKETING', status: 'DENIED' });
  });

  it('re-reads and repeats a write that meets a newer version (412)', async () => {
    // A user for whom both writes are real changes (a no-op PATCH keeps the version, so nothing would collide).
    const user = users.find((candidate) => {
      const held = simulator.getUser(candidate.id)![CONSENT_EXTENSION_URN];
      return held?.emailMarketing !== 'granted' && held?.phoneMarketing !== 'denied';
    })!;
    // Slow reads, so both writers read the same version before either PATCHes.
    simulator.setFaults({ latencyMs: 50, routes: ['users.get'] });
    await Promise.all([
      adapter.writeConsent(user.id, { channel: 'EMAIL', purpose: 'MARKETING', status: 'GRANTED' }),
      adapter.writeConsent(user.id, { channel: 'PHONE', purpose: 'MARKETING', status: 'DENIED' }),
    ]);
    const held = simulator.getUser(user.id)![CONSENT_EXTENSION_URN];
    expect(held).toMatchObject({ emailMarketing: 'granted', phoneMarketing: 'denied' });
    expect(simulator.requestCount('users.patch')).toBe(3); // one lost to the other's version, then repeated
  });

  it('does not write a flag the identity system does not hold', async () => {
    expect(adapter.acceptsConsent('POSTAL', 'MARKETING')).toBe(false);
    await adapter.writeConsent(users[5]!.id, { channel: 'POSTAL', purpose: 'MARKETING', status: 'DENIED' });
    expect(simulator.requestCount()).toBe(0);
  });

  it('reports a write to an unknown user as NOT_FOUND', async () => {
    await expect(adapter.writeConsent('no-such-user', { channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' })).rejects.toMatchObject({
      kind: 'NOT_FOUND',
      extensions: { code: 'SOURCE_UNAVAILABLE' },
    });
  });

  it('turns a SCIM error for a wrong bearer token into AUTH', async () => {
    const wrong = makeAdapter({ bearerToken: 'not-the-token' });
    const error = await wrong.fetchByIds([users[1]!.id]).catch((e: unknown) => e);
    await wrong.close();
    expect(error).toMatchObject({ kind: 'AUTH', status: 401 });
  });

  it('retries a read after a 503 and succeeds', async () => {
    simulator.setFaults({ failNext: { count: 1, status: 503 } });
    await expect(adapter.fetchByIds([users[1]!.id])).resolves.toHaveLength(1);
    expect(simulator.requestCount('users.get')).toBe(2);
  });

  it('opens the circuit after consecutive failures, then a half-open probe closes it', async () => {
    adapter = makeAdapter({ retry: { maxRetries: 0 }, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 200 } });
    simulator.setFaults({ errorRate: 1 });
    for (let i = 0; i < 2; i++) await expect(adapter.fetchByIds([users[1]!.id])).rejects.toMatchObject({ kind: 'UNAVAILABLE' });
    await expect(adapter.fetchByIds([users[1]!.id])).rejects.toMatchObject({ kind: 'CIRCUIT_OPEN' });
    expect(simulator.requestCount('users.get')).toBe(2);
    simulator.setFaults({});
    await new Promise((resolve) => setTimeout(resolve, 220));
    await expect(adapter.fetchByIds([users[1]!.id])).resolves.toHaveLength(1);
    expect(adapter.describe().health.circuit).toBe('CLOSED');
  });
});
