import { SalesforceAdapter, type SalesforceAdapterOptions } from '../../../src/adapters/salesforce/salesforce-adapter';
import { SourceError } from '../../../src/adapters/http/source-error';
import { GatewayMetrics } from '../../../src/observability/metrics';
import type {
  SalesforceContact,
  SalesforceOpportunity,
  SalesforceOpportunityContactRole,
} from '../../../simulators/population/vendor-records';
import { startSalesforceSimulator, type SalesforceSimulator } from '../../../simulators/salesforce/salesforce-simulator';
import { salesforceIdFor } from '../../../simulators/salesforce/salesforce-id';

const CONTACTS = 300;
const HOSTILE_EMAIL = "o'brien\\x@example.com";

/** Contacts whose LastModifiedDate repeats in groups of five, so the backfill cursor must break ties by Id. */
function contactAt(serial: number): SalesforceContact {
  const modified = new Date(Date.UTC(2025, 0, 1) + Math.floor(serial / 5) * 60_000);
  return {
    Id: salesforceIdFor('003', serial),
    FirstName: `Given${serial}`,
    LastName: `Family${serial}`,
    Email: serial === 7 ? HOSTILE_EMAIL : `person${serial}@example.com`,
    Phone: serial % 2 ? `+4420794600${String(serial).padStart(2, '0')}` : null,
    MobilePhone: null,
    MailingStreet: null,
    MailingCity: 'London',
    MailingPostalCode: null,
    MailingCountry: 'United Kingdom',
    Birthdate: null,
    CreatedDate: '2024-01-01T00:00:00.000+0000',
    LastModifiedDate: modified.toISOString().replace('Z', '+0000'),
    HasOptedOutOfEmail: serial % 3 === 0,
    DoNotCall: false,
    HasOptedOutOfFax: false,
    AccountId: null,
    Account: { Name: 'Acme' },
    OwnerId: salesforceIdFor('005', 1),
    Owner: { Name: 'Owner One' },
    Tier__c: 'Gold',
    Lifetime_Value__c: serial,
    Open_Cases__c: 0,
  };
}

const contacts = Array.from({ length: CONTACTS }, (_, serial) => contactAt(serial + 1));
const knownIds = contacts.map((contact) => contact.Id);

// Contact 1 plays a role on two open opportunities and a closed one; contact 2 only on a closed one.
const opportunity = (serial: number, IsClosed: boolean): SalesforceOpportunity => ({
  Id: salesforceIdFor('006', serial),
  Name: `Deal ${serial}`,
  StageName: IsClosed ? 'Closed Won' : 'Negotiation/Review',
  IsClosed,
  AccountId: null,
  CloseDate: '2025-09-30',
});
const opportunities = [opportunity(1, false), opportunity(2, false), opportunity(3, true), opportunity(4, true)];
const role = (serial: number, contactId: string, opportunityId: string): SalesforceOpportunityContactRole => ({
  Id: salesforceIdFor('00K', serial),
  ContactId: contactId,
  OpportunityId: opportunityId,
  IsPrimary: true,
  Role: 'Decision Maker',
});
const opportunityContactRoles = [
  role(1, knownIds[0]!, opportunities[0]!.Id),
  role(2, knownIds[0]!, opportunities[1]!.Id),
  role(3, knownIds[0]!, opportunities[2]!.Id),
  role(4, knownIds[1]!, opportunities[3]!.Id),
];
const unknownId = (n: number) => salesforceIdFor('003', 100_000 + n);

describe('SalesforceAdapter against the Salesforce simulator', () => {
  let simulator: SalesforceSimulator;
  let adapter: SalesforceAdapter;
  let metrics: GatewayMetrics;

  const makeAdapter = (options: Partial<SalesforceAdapterOptions> = {}) =>
    new SalesforceAdapter({
      name: 'crm',
      baseUrl: simulator.descriptor.baseUrl,
      clientId: simulator.descriptor.credentials.clientId!,
      clientSecret: simulator.descriptor.credentials.clientSecret!,
      metrics,
      retry: { initialDelayMs: 10, maxDelayMs: 200 },
      ...options,
    });

  beforeAll(async () => {
    simulator = await startSalesforceSimulator({ contacts, opportunities, opportunityContactRoles, queryPageSize: 200 });
  });
  afterAll(async () => {
    await simulator.stop();
  });
  beforeEach(() => {
    simulator.setFaults({});
    simulator.resetCounters();
    metrics = new GatewayMetrics();
    adapter = makeAdapter();
  });
  afterEach(async () => {
    await adapter.close();
  });

  it('reads 1,500 ids with one query in one Composite call, in request order, null for unknown ids', async () => {
    const ids = Array.from({ length: 1500 }, (_, i) => (i % 5 === 0 ? knownIds[i % CONTACTS]! : unknownId(i)));
    const records = await adapter.fetchByIds(ids);
    expect(simulator.requestCount('composite')).toBe(1);
    expect(simulator.requestCount()).toBe(2); // the token, then the one Composite call
    expect(records).toHaveLength(1500);
    records.forEach((record, i) => {
      if (i % 5 === 0) expect(record?.recordId).toBe(ids[i]);
      else expect(record).toBeNull();
    });
    expect(records[0]).toMatchObject({ system: 'crm', fields: { givenName: 'Given1' }, crm: { tier: 'Gold' } });
  });

  it("reads the CRM view's account, owner and open opportunities in the same call, counting only open ones", async () => {
    const [withOpen, onlyClosed, none] = await adapter.fetchByIds([knownIds[0]!, knownIds[1]!, knownIds[2]!]);
    expect(simulator.requestCount('composite')).toBe(1);
    expect(withOpen?.crm).toMatchObject({ accountName: 'Acme', ownerName: 'Owner One', openOpportunities: 2 });
    expect(onlyClosed?.crm).toMatchObject({ openOpportunities: 0 });
    expect(none?.crm).toMatchObject({ accountName: 'Acme', ownerName: 'Owner One', openOpportunities: 0 });
  });

  it('reads 12,000 ids in two Composite calls: 2,000 ids a query, five queries a call', async () => {
    const ids = Array.from({ length: 12_000 }, (_, i) => (i < CONTACTS ? knownIds[i]! : unknownId(i)));
    const records = await adapter.fetchByIds(ids);
    expect(simulator.requestCount('composite')).toBe(2);
    expect(records.filter(Boolean).map((record) => record!.recordId)).toEqual(knownIds);
  });

  it('answers a malformed id, or one of another object, as a miss without failing the query for the others', async () => {
    const [good, foreign, garbled, badSuffix] = await adapter.fetchByIds([
      knownIds[3]!,
      salesforceIdFor('001', 4), // an Account id
      "003' OR Id != null",
      `${knownIds[4]!.slice(0, 15)}ZZZ`,
    ]);
    expect(good?.recordId).toBe(knownIds[3]);
    expect([foreign, garbled, badSuffix]).toEqual([null, null, null]);
  });

  it('makes no call for an empty id list', async () => {
    await expect(adapter.fetchByIds([])).resolves.toEqual([]);
    expect(simulator.requestCount()).toBe(0);
  });

  it('fetches a new token once after a 401 and succeeds', async () => {
    await adapter.fetchByIds([knownIds[0]!]);
    expect(simulator.requestCount('token')).toBe(1);
    await fetch(`${simulator.descriptor.baseUrl}/__admin/revoke-tokens`, { method: 'POST' });
    const [record] = await adapter.fetchByIds([knownIds[1]!]);
    expect(record?.recordId).toBe(knownIds[1]);
    expect(simulator.requestCount('token')).toBe(2);
    expect(simulator.requestCount('composite')).toBe(3); // ok, 401, ok
    expect(adapter.describe().health.status).toBe('HEALTHY'); // an expired session is routine
  });

  it('fails with AUTH when the client credentials are refused, asking for a token once', async () => {
    const wrong = makeAdapter({ clientSecret: 'not-the-secret' });
    const error = await wrong.fetchByIds([knownIds[0]!]).catch((e: unknown) => e);
    await wrong.close();
    expect(error).toMatchObject({ kind: 'AUTH', status: 400, vendorCode: 'invalid_client', extensions: { code: 'SOURCE_UNAVAILABLE' } });
    expect(simulator.requestCount('token')).toBe(1);
  });

  it('retries a read after a 503 and succeeds', async () => {
    simulator.setFaults({ failNext: { count: 1, status: 503 } });
    const [record] = await adapter.fetchByIds([knownIds[2]!]);
    expect(record?.recordId).toBe(knownIds[2]);
    expect(simulator.requestCount('composite')).toBe(2);
  });

  it('never retries the token request, which is not idempotent', async () => {
    simulator.setFaults({ failNext: { count: 1, status: 503 }, routes: ['token'] });
    const error = await adapter.fetchByIds([knownIds[0]!]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ kind: 'UNAVAILABLE', status: 503, extensions: { code: 'SOURCE_UNAVAILABLE' } });
    expect(simulator.requestCount('token')).toBe(1);
    expect(simulator.requestCount('composite')).toBe(0);
  });

  it('opens the circuit after consecutive failures, fails fast, and closes it after a half-open probe', async () => {
    adapter = makeAdapter({ retry: { maxRetries: 0 }, breaker: { consecutiveFailures: 3, halfOpenAfterMs: 300 } });
    await adapter.fetchByIds([knownIds[0]!]); // token fetched while healthy
    simulator.setFaults({ errorRate: 1 });
    for (let i = 0; i < 3; i++) {
      await expect(adapter.fetchByIds([knownIds[0]!])).rejects.toMatchObject({ kind: 'UNAVAILABLE' });
    }
    const served = simulator.requestCount();
    const fast = await adapter.fetchByIds([knownIds[0]!]).catch((e: unknown) => e);
    expect(fast).toMatchObject({ kind: 'CIRCUIT_OPEN', extensions: { code: 'SOURCE_UNAVAILABLE', system: 'crm' } });
    expect(simulator.requestCount()).toBe(served);
    expect(adapter.describe().health).toMatchObject({ status: 'UNAVAILABLE', circuit: 'OPEN', lastError: 'UNAVAILABLE HTTP 503 SERVER_UNAVAILABLE' });

    simulator.setFaults({});
    await new Promise((resolve) => setTimeout(resolve, 320));
    await expect(adapter.fetchByIds([knownIds[0]!])).resolves.toHaveLength(1);
    expect(adapter.describe().health.circuit).toBe('CLOSED');
  });

  it('finds a contact by an email holding a quote and a backslash, exactly', async () => {
    const found = await adapter.findByKey({ kind: 'email', value: HOSTILE_EMAIL });
    expect(found.map((record) => record.recordId)).toEqual([knownIds[6]]);
  });

  it('cannot be made to change the SOQL by a hostile value', async () => {
    for (const value of ["x' OR Email != '", "x\\' OR Email != null OR Email = \\'", "' OR Id != null OR Email = '"]) {
      await expect(adapter.findByKey({ kind: 'email', value })).resolves.toEqual([]);
    }
    expect(simulator.requestCount('query')).toBe(3);
  });

  it('finds by email case-insensitively and by phone on Phone or MobilePhone', async () => {
    const byEmail = await adapter.findByKey({ kind: 'email', value: 'PERSON10@example.com' });
    expect(byEmail.map((record) => record.recordId)).toEqual([knownIds[9]]);
    expect(byEmail[0]?.crm).toMatchObject({ accountName: 'Acme', ownerName: 'Owner One' });
    const byPhone = await adapter.findByKey({ kind: 'phone', value: '+442079460011' });
    expect(byPhone.map((record) => record.recordId)).toEqual([knownIds[10]]);
  });

  it('pages through every contact with changedSince, breaking timestamp ties by Id and following nextRecordsUrl', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await adapter.changedSince(cursor, { pageSize: 250 });
      seen.push(...page.records.map((record) => record.recordId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(2);
    expect(seen).toHaveLength(CONTACTS);
    expect(new Set(seen).size).toBe(CONTACTS);
    expect(simulator.requestCount('query.more')).toBeGreaterThanOrEqual(1); // 250 > the simulator's page of 200
  });

  it('resumes changedSince from a cursor in the middle of a run of equal timestamps', async () => {
    const first = await adapter.changedSince(null, { pageSize: 7 });
    const second = await adapter.changedSince(first.nextCursor, { pageSize: 7 });
    const ids = [...first.records, ...second.records].map((record) => record.recordId);
    expect(ids).toEqual(knownIds.slice(0, 14));
  });

  it('refuses a cursor it did not issue', async () => {
    await expect(adapter.changedSince('bm90LWEtY3Vyc29y')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('writes an email opt-out back with a PATCH and reads it as DENIED', async () => {
    const id = knownIds[1]!; // serial 2: opted in
    expect(adapter.acceptsConsent('EMAIL', 'MARKETING')).toBe(true);
    await adapter.writeConsent(id, { channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' });
    expect(simulator.getContact(id)?.HasOptedOutOfEmail).toBe(true);
    const [record] = await adapter.fetchByIds([id]);
    expect(record?.consentFlags).toContainEqual({ channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' });
    await adapter.writeConsent(id, { channel: 'PHONE', purpose: 'MARKETING', status: 'DENIED' });
    expect(simulator.getContact(id)?.DoNotCall).toBe(true);
    await adapter.writeConsent(id, { channel: 'EMAIL', purpose: 'MARKETING', status: 'GRANTED' });
    expect(simulator.getContact(id)?.HasOptedOutOfEmail).toBe(false);
  });

  it('does not write a flag Salesforce does not hold', async () => {
    expect(adapter.acceptsConsent('SMS', 'MARKETING')).toBe(false);
    await adapter.writeConsent(knownIds[1]!, { channel: 'SMS', purpose: 'MARKETING', status: 'DENIED' });
    expect(simulator.requestCount('sobject.update')).toBe(0);
  });

  it('reports an unknown record on write as NOT_FOUND', async () => {
    await expect(
      adapter.writeConsent(unknownId(1), { channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' }),
    ).rejects.toMatchObject({ kind: 'NOT_FOUND', vendorCode: 'NOT_FOUND', status: 404 });
  });

  it('turns a vendor error body into a typed error: an unknown field fails the query, and so the call, with INVALID_FIELD', async () => {
    const misconfigured = makeAdapter({ fieldMap: { tier: 'No_Such_Field__c' } });
    const error = await misconfigured.fetchByIds([knownIds[0]!]).catch((e: unknown) => e);
    await misconfigured.close();
    expect(error).toMatchObject({ kind: 'BAD_REQUEST', status: 400, vendorCode: 'INVALID_FIELD' });
    expect((error as Error).message).toBe('The crm system rejected the request (HTTP 400 INVALID_FIELD).');
  });

  it('reports health: API usage from Sforce-Limit-Info, median latency, base URL and fields', async () => {
    await adapter.fetchByIds([knownIds[0]!]);
    const status = adapter.describe();
    expect(status).toMatchObject({ name: 'crm', dialect: 'salesforce', baseUrl: simulator.descriptor.baseUrl });
    expect(status.fields).toContain('crm.tier');
    expect(status.health).toMatchObject({ status: 'HEALTHY', circuit: 'CLOSED', lastError: null });
    // The simulator counts every API call since it started; the header is what the adapter saw last.
    expect(status.health.apiUsage).toEqual({ used: expect.any(Number), limit: 15000 });
    expect(status.health.apiUsage!.used).toBeGreaterThanOrEqual(1);
    expect(status.health.recentLatencyMs).toBeGreaterThan(0);
    const calls = await metrics.sourceCalls.get();
    expect(calls.values).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { system: 'crm', operation: 'token', outcome: 'ok' }, value: 1 }),
        expect.objectContaining({ labels: { system: 'crm', operation: 'composite', outcome: 'ok' }, value: 1 }),
      ]),
    );
  });

  it('aborts a hanging call when the caller signal fires', async () => {
    await adapter.fetchByIds([knownIds[0]!]);
    simulator.setFaults({ hang: true });
    await expect(adapter.fetchByIds([knownIds[0]!], { signal: AbortSignal.timeout(150) })).rejects.toMatchObject({ kind: 'TIMEOUT' });
  });
});
