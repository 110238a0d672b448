import { MailchimpAdapter, type MailchimpAdapterOptions } from '../../../src/adapters/mailchimp/mailchimp-adapter';
import { subscriberHash } from '../../../src/adapters/mailchimp/subscriber-hash';
import { startMailchimpSimulator, type MailchimpSimulator } from '../../../simulators/mailchimp/mailchimp-simulator';
import { MAILCHIMP_AUDIENCE_NAME, MAILCHIMP_INTERESTS } from '../../../simulators/population/reference-data';
import { testPopulation } from '../../harness/simulators';

describe('MailchimpAdapter against the Mailchimp simulator', () => {
  const members = testPopulation().mailchimpMembers;
  let simulator: MailchimpSimulator;
  let adapter: MailchimpAdapter;

  const makeAdapter = (options: Partial<MailchimpAdapterOptions> = {}) =>
    new MailchimpAdapter({
      name: 'esp',
      baseUrl: simulator.descriptor.baseUrl,
      apiKey: simulator.descriptor.credentials.apiKey!,
      listId: simulator.descriptor.credentials.listId!,
      retry: { initialDelayMs: 10, maxDelayMs: 1500 },
      ...options,
    });

  beforeAll(async () => {
    simulator = await startMailchimpSimulator({ members });
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

  it('reads members by subscriber hash in request order, null for an unknown one', async () => {
    const ids = [members[0]!.id, subscriberHash('nobody@example.com'), members[1]!.id, 'not-a-hash'];
    const records = await adapter.fetchByIds(ids);
    expect(records.map((record) => record?.recordId ?? null)).toEqual([members[0]!.id, null, members[1]!.id, null]);
    expect(records[0]).toMatchObject({ system: 'esp', fields: { emails: [members[0]!.email_address] } });
    expect(simulator.requestCount('member.get')).toBe(3); // no call for a value that is not a hash
  });

  it("shows the member's audience and interests by name, read from the lists and interest-categories API once and kept", async () => {
    const member = members.find((candidate) => Object.values(candidate.interests).some(Boolean))!;
    const expected = MAILCHIMP_INTERESTS.filter((interest) => member.interests[interest.id]).map((interest) => interest.name);
    const [record] = await adapter.fetchByIds([member.id]);
    expect(record?.engagement).toMatchObject({ lists: [MAILCHIMP_AUDIENCE_NAME], interests: expected });
    const namesCalls = () => simulator.requestCount() - simulator.requestCount('member.get');
    // The audience, its interest categories, and the interests of each of its two categories.
    expect(namesCalls()).toBe(4);
    await adapter.fetchByIds(members.slice(0, 20).map((candidate) => candidate.id));
    await adapter.findByKey({ kind: 'email', value: members[3]!.email_address });
    expect(namesCalls()).toBe(4);
  });

  it('keeps 30 parallel reads within 10 connections, so none meets the 429 of the 11th', async () => {
    simulator.setFaults({ latencyMs: 40 });
    const ids = members.slice(0, 30).map((member) => member.id);
    const records = await Promise.all(ids.map((id) => adapter.fetchByIds([id])));
    expect(records.flat().map((record) => record?.recordId)).toEqual(ids);
    expect(simulator.peakConcurrency).toBeLessThanOrEqual(10);
    expect(simulator.peakConcurrency).toBeGreaterThan(1);
    expect(simulator.requestCount('member.get')).toBe(30); // no 429, so no retry
  });

  it('finds a member by email through the subscriber hash, whatever the case and spacing', async () => {
    const member = members[2]!;
    const found = await adapter.findByKey({ kind: 'email', value: `  ${member.email_address.toUpperCase()} ` });
    expect(found.map((record) => record.recordId)).toEqual([member.id]);
    await expect(adapter.findByKey({ kind: 'email', value: 'nobody@example.com' })).resolves.toEqual([]);
  });

  it('answers a phone lookup with no records and no call: the API cannot search merge fields', async () => {
    await expect(adapter.findByKey({ kind: 'phone', value: '+447700900123' })).resolves.toEqual([]);
    expect(simulator.requestCount()).toBe(0);
  });

  it('pages through every member with changedSince, oldest change first, each once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await adapter.changedSince(cursor, { pageSize: 50 });
      seen.push(...page.records.map((record) => record.recordId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 100);
    expect(seen.sort()).toEqual(members.map((member) => member.id).sort());
    expect(simulator.requestCount('members.list')).toBe(Math.ceil(members.length / 50));
  });

  it('asks for at most 1,000 members per page', async () => {
    const page = await adapter.changedSince(null, { pageSize: 5000 });
    expect(page.records).toHaveLength(Math.min(members.length, 1000));
  });

  it('writes email marketing back as the member status', async () => {
    const member = members.find((candidate) => candidate.status === 'subscribed')!;
    await adapter.writeConsent(member.id, { channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' });
    expect(simulator.getMember(member.id)?.status).toBe('unsubscribed');
    const [record] = await adapter.fetchByIds([member.id]);
    expect(record?.consentFlags[0]).toEqual({ channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' });
    await adapter.writeConsent(member.id, { channel: 'EMAIL', purpose: 'MARKETING', status: 'GRANTED' });
    expect(simulator.getMember(member.id)?.status).toBe('subscribed');
  });

  it('writes postal marketing back as the Direct Mail marketing permission', async () => {
    const member = members[3]!;
    expect(adapter.acceptsConsent('POSTAL', 'MARKETING')).toBe(true);
    await adapter.writeConsent(member.id, { channel: 'POSTAL', purpose: 'MARKETING', status: 'GRANTED' });
    const held = simulator.getMember(member.id)?.marketing_permissions.find((permission) => permission.text === 'Direct Mail');
    expect(held?.enabled).toBe(true);
    await adapter.writeConsent(member.id, { channel: 'POSTAL', purpose: 'MARKETING', status: 'DENIED' });
    expect(simulator.getMember(member.id)?.marketing_permissions.find((permission) => permission.text === 'Direct Mail')?.enabled).toBe(false);
  });

  it('does not write a flag Mailchimp does not hold', async () => {
    expect(adapter.acceptsConsent('SMS', 'MARKETING')).toBe(false);
    await adapter.writeConsent(members[0]!.id, { channel: 'SMS', purpose: 'MARKETING', status: 'DENIED' });
    expect(simulator.requestCount()).toBe(0);
  });

  it('turns a problem+json 404 into NOT_FOUND with the problem title as vendor code', async () => {
    const error = await adapter
      .writeConsent(subscriberHash('nobody@example.com'), { channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'NOT_FOUND', status: 404, vendorCode: 'Resource Not Found', extensions: { code: 'SOURCE_UNAVAILABLE' } });
  });

  it('turns a wrong API key into AUTH', async () => {
    const wrong = makeAdapter({ apiKey: 'ffffffffffffffffffffffffffffffff-us1' });
    const error = await wrong.fetchByIds([members[0]!.id]).catch((e: unknown) => e);
    await wrong.close();
    expect(error).toMatchObject({ kind: 'AUTH', status: 401, vendorCode: 'API Key Invalid' });
    expect(wrong.describe().health).toMatchObject({ status: 'DEGRADED', circuit: 'CLOSED', lastError: 'AUTH HTTP 401 API Key Invalid' });
  });

  it('retries a read after a 503 and succeeds', async () => {
    simulator.setFaults({ failNext: { count: 1, status: 503 }, routes: ['member.get'] });
    await expect(adapter.fetchByIds([members[0]!.id])).resolves.toHaveLength(1);
    expect(simulator.requestCount('member.get')).toBe(2);
  });

  it('waits out a 429 Retry-After, then succeeds', async () => {
    simulator.setFaults({ rateLimit: { count: 1, retryAfterSeconds: 1 }, routes: ['member.get'] });
    const started = Date.now();
    const [record] = await adapter.fetchByIds([members[0]!.id]);
    expect(record?.recordId).toBe(members[0]!.id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(simulator.requestCount('member.get')).toBe(2);
  });

  it('opens the circuit after consecutive failures and fails fast without calling', async () => {
    adapter = makeAdapter({ retry: { maxRetries: 0 }, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } });
    await adapter.fetchByIds([members[1]!.id]); // the audience's names, read while healthy and kept
    simulator.resetCounters();
    simulator.setFaults({ errorRate: 1 });
    await expect(adapter.fetchByIds([members[0]!.id])).rejects.toMatchObject({ kind: 'UNAVAILABLE' });
    await expect(adapter.fetchByIds([members[0]!.id])).rejects.toMatchObject({ kind: 'UNAVAILABLE' });
    await expect(adapter.fetchByIds([members[0]!.id])).rejects.toMatchObject({ kind: 'CIRCUIT_OPEN', extensions: { code: 'SOURCE_UNAVAILABLE' } });
    expect(simulator.requestCount('member.get')).toBe(2);
    expect(adapter.describe().health).toMatchObject({ status: 'UNAVAILABLE', circuit: 'OPEN', lastError: 'UNAVAILABLE HTTP 503 Service Unavailable' });
  });

  it('describes itself without the API key', () => {
    const status = adapter.describe();
    expect(status).toMatchObject({ name: 'esp', dialect: 'mailchimp', baseUrl: simulator.descriptor.baseUrl });
    expect(JSON.stringify(status)).not.toContain(simulator.descriptor.credentials.apiKey!);
  });
});
