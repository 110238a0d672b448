import { SapCdcAdapter } from '../../../src/adapters/sapcdc/sapcdc-adapter';
import { SourceError } from '../../../src/adapters/http/source-error';
import type { SapCdcAccount } from '../../../simulators/sapcdc/sapcdc-account';
import { sapcdcPopulation } from '../../../simulators/sapcdc/sapcdc-population';
import { startSapCdcSimulator, type SapCdcSimulator } from '../../../simulators/sapcdc/sapcdc-simulator';
import { testPopulation } from '../../harness/simulators';

const HOSTILE_EMAIL = 'x" or uid != "nobody@example.com';

describe('SapCdcAdapter against the SAP Customer Data Cloud simulator', () => {
  const population = sapcdcPopulation(testPopulation()).accounts;
  // The first account has a hostile address among its verified emails.
  const accounts: SapCdcAccount[] = population.map((account, index) =>
    index === 0 ? { ...account, emails: { ...account.emails, verified: [...account.emails.verified, HOSTILE_EMAIL] } } : account,
  );
  let simulator: SapCdcSimulator;
  let adapter: SapCdcAdapter;

  const makeAdapter = (overrides: Partial<ConstructorParameters<typeof SapCdcAdapter>[0]> = {}) => {
    const { baseUrl, credentials } = simulator.descriptor;
    return new SapCdcAdapter({
      name: 'cdc',
      baseUrl,
      apiKey: credentials.apiKey!,
      userKey: credentials.userKey!,
      secret: credentials.secret!,
      retry: { initialDelayMs: 10, maxDelayMs: 2000 },
      ...overrides,
    });
  };

  beforeAll(async () => {
    simulator = await startSapCdcSimulator({ accounts });
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

  it('reads 100 UIDs in one accounts.search call, in the order asked, null for an unknown UID', async () => {
    const ids = accounts.slice(0, 100).map((account) => account.UID);
    const records = await adapter.fetchByIds(['0000unknown', ...ids]);
    expect(simulator.requestCount('accounts.search')).toBe(1);
    expect(simulator.requestCount()).toBe(1);
    expect(records[0]).toBeNull();
    expect(records.slice(1).map((record) => record!.recordId)).toEqual(ids);
    expect(adapter.minimumReadCalls(100)).toBe(1);
    expect(adapter.minimumReadCalls(1001)).toBe(2);
  });

  it('reads one UID with accounts.getAccountInfo, and an unknown one (403005 in an HTTP 200) as null', async () => {
    const [record] = await adapter.fetchByIds([accounts[3]!.UID]);
    expect(record).toMatchObject({ system: 'cdc', recordId: accounts[3]!.UID });
    expect(await adapter.fetchByIds(['no-such-uid'])).toEqual([null]);
    expect(simulator.requestCount('accounts.getAccountInfo')).toBe(2);
  });

  it('maps the account: login id and profile email, phones, birth date, newsletter and consent statements', async () => {
    const account = accounts.find((candidate) => candidate.profile.phones && candidate.profile.birthYear && candidate.subscriptions.newsletter)!;
    const [record] = await adapter.fetchByIds([account.UID]);
    expect(record!.fields.emails!.map((email) => email.toLowerCase())).toContain(account.loginIDs.emails[0]);
    expect(record!.fields.phones).toEqual([account.profile.phones![0]!.number]);
    expect(record!.fields.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(record!.updatedAt.getTime()).toBe(account.lastUpdatedTimestamp);
    const newsletter = account.subscriptions.newsletter!.email;
    const expected = !newsletter.isSubscribed ? 'DENIED' : newsletter.doubleOptIn.status === 'Pending' ? 'PENDING' : 'GRANTED';
    expect(record!.consentFlags).toContainEqual({ channel: 'EMAIL', purpose: 'MARKETING', status: expected });
    expect(record!.consentFlags).toContainEqual({ channel: 'SMS', purpose: 'MARKETING', status: account.preferences.privacy!.marketing_sms!.isConsentGranted ? 'GRANTED' : 'DENIED' });
  });

  it('maps a newsletter waiting for its double opt-in click to PENDING', async () => {
    const account = accounts.find((candidate) => candidate.subscriptions.newsletter?.email.doubleOptIn.status === 'Pending')!;
    const [record] = await adapter.fetchByIds([account.UID]);
    expect(record!.consentFlags).toContainEqual({ channel: 'EMAIL', purpose: 'MARKETING', status: 'PENDING' });
  });

  it('finds an account by email in another case, and by phone in national format', async () => {
    const account = accounts.find((candidate) => candidate.profile.phones)!;
    const byEmail = await adapter.findByKey({ kind: 'email', value: ` ${account.loginIDs.emails[0]!.toUpperCase()} ` });
    expect(byEmail.map((record) => record.recordId)).toContain(account.UID);
    const byPhone = await adapter.findByKey({ kind: 'phone', value: account.profile.phones![0]!.number });
    expect(byPhone.map((record) => record.recordId)).toEqual([account.UID]);
  });

  it('quotes a hostile email so it cannot add clauses to the query', async () => {
    const found = await adapter.findByKey({ kind: 'email', value: HOSTILE_EMAIL });
    expect(found.map((record) => record.recordId)).toEqual([accounts[0]!.UID]);
  });

  it('pages the whole site with a search cursor, and reads changes by lastUpdatedTimestamp', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await adapter.changedSince(cursor, { pageSize: 25 });
      seen.push(...page.records.map((record) => record.recordId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(accounts.length);
    const newest = [...accounts].sort((a, b) => b.lastUpdatedTimestamp - a.lastUpdatedTimestamp).slice(0, 3);
    const changed = await adapter.recordsChangedSince(new Date(newest[2]!.lastUpdatedTimestamp));
    expect(changed.map((record) => record.recordId)).toEqual(newest.reverse().map((account) => account.UID));
  });

  it('writes the newsletter: GRANTED confirmed, PENDING sends the double opt-in, DENIED unsubscribes; repeats change nothing', async () => {
    const uid = accounts[5]!.UID;
    await adapter.writeConsent(uid, { channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' });
    expect(simulator.getAccount(uid)!.subscriptions.newsletter!.email).toMatchObject({ isSubscribed: false, doubleOptIn: { status: 'NotConfirmed' } });
    await adapter.writeConsent(uid, { channel: 'EMAIL', purpose: 'MARKETING', status: 'PENDING' });
    expect(simulator.getAccount(uid)!.subscriptions.newsletter!.email).toMatchObject({ isSubscribed: true, doubleOptIn: { status: 'Pending' } });
    expect(adapter.statusHeldAfter({ channel: 'EMAIL', purpose: 'MARKETING', status: 'PENDING' })).toBe('PENDING');
    await adapter.writeConsent(uid, { channel: 'EMAIL', purpose: 'MARKETING', status: 'GRANTED' });
    const stamped = simulator.getAccount(uid)!.lastUpdatedTimestamp;
    await adapter.writeConsent(uid, { channel: 'EMAIL', purpose: 'MARKETING', status: 'GRANTED' });
    expect(simulator.getAccount(uid)!.subscriptions.newsletter!.email).toMatchObject({ isSubscribed: true, doubleOptIn: { status: 'Confirmed', isExternallyVerified: true } });
    expect(simulator.getAccount(uid)!.lastUpdatedTimestamp).toBe(stamped);
  });

  it('writes an SMS consent statement, PENDING as not granted', async () => {
    const uid = accounts[6]!.UID;
    await adapter.writeConsent(uid, { channel: 'SMS', purpose: 'MARKETING', status: 'GRANTED' });
    expect(simulator.getAccount(uid)!.preferences.privacy!.marketing_sms!.isConsentGranted).toBe(true);
    await adapter.writeConsent(uid, { channel: 'SMS', purpose: 'MARKETING', status: 'PENDING' });
    expect(simulator.getAccount(uid)!.preferences.privacy!.marketing_sms).toMatchObject({ isConsentGranted: false, docVersion: 1 });
    expect(adapter.statusHeldAfter({ channel: 'SMS', purpose: 'MARKETING', status: 'PENDING' })).toBe('DENIED');
    expect(adapter.acceptsConsent('POSTAL', 'MARKETING')).toBe(false);
    expect(simulator.writes()).toContainEqual(expect.objectContaining({ route: 'accounts.setAccountInfo', recordId: uid, body: { preferences: { privacy: { marketing_sms: { isConsentGranted: true } } } } }));
  });

  it('retries a 500001 answered with HTTP 200, and reports a rate limit (403048) as RATE_LIMITED', async () => {
    simulator.setFaults({ failNext: { count: 1, status: 503 } });
    expect(await adapter.fetchByIds([accounts[1]!.UID])).toHaveLength(1);
    expect(simulator.requestCount('accounts.getAccountInfo')).toBe(2);
    simulator.setFaults({ rateLimit: { count: 10, retryAfterSeconds: 1 } });
    const failure = await adapter.fetchByIds([accounts[1]!.UID, accounts[2]!.UID]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SourceError);
    expect(failure).toMatchObject({ kind: 'RATE_LIMITED', vendorCode: '403048' });
  });

  it('is refused (AUTH, 403003) with a wrong secret, and works with signed requests', async () => {
    const wrong = makeAdapter({ secret: Buffer.from('not the secret at all').toString('base64') });
    await expect(wrong.fetchByIds([accounts[1]!.UID])).rejects.toMatchObject({ kind: 'AUTH', vendorCode: '403003' });
    await wrong.close();
    const signed = makeAdapter({ signRequests: true });
    const records = await signed.fetchByIds(accounts.slice(0, 3).map((account) => account.UID));
    expect(records.every((record) => record !== null)).toBe(true);
    await signed.writeConsent(accounts[7]!.UID, { channel: 'PHONE', purpose: 'MARKETING', status: 'DENIED' });
    expect(simulator.getAccount(accounts[7]!.UID)!.preferences.privacy!.marketing_phone!.isConsentGranted).toBe(false);
    await signed.close();
  });
});
