import { collectionNames } from '../../src/store/collections';
import { composeServices } from '../../src/compose-services';
import { createAdapters } from '../../src/adapters/create-adapters';
import { systemsConfigFromDescriptors } from '../../src/adapters/systems-config-from-descriptors';
import { loadDemoData } from '../../src/demo-data';
import { createLogger } from '../../src/observability/logger';
import { freeLoopbackPort } from '../../src/store/embedded-ferretdb';
import { CONSENT_EXTENSION_URN } from '../../src/adapters/scim/scim-user';
import type { DeliveryRowDoc } from '../../src/propagation/delivery-row';
import type { ConsentStateDoc } from '../../src/consent/consent-model';
import { newWebhookSecrets, registerWebhooks } from '../../simulators/register-webhooks';
import { startMailchimpSimulator, type MailchimpSimulator } from '../../simulators/mailchimp/mailchimp-simulator';
import { startSalesforceSimulator, type SalesforceSimulator } from '../../simulators/salesforce/salesforce-simulator';
import { startScimSimulator, type ScimSimulator } from '../../simulators/scim/scim-simulator';
import { openTestStore, testMongoUri } from '../harness/store';
import { testPopulation } from '../harness/simulators';
import { createApiKey, spawnGateway, waitForStatus, type GatewayProcess } from '../harness/gateway-process';
import { until } from '../harness/eventually-async';

/** One customer's records, by system. */
interface Customer {
  id: string;
  records: { system: string; recordId: string }[];
}

const population = testPopulation(400, 7);
const STATUSES = ['GRANTED', 'DENIED'] as const;

describe('propagation across three gateway processes: every system ends with the store state, nothing lost, one event per change', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let salesforce: SalesforceSimulator;
  let mailchimp: MailchimpSimulator;
  let scim: ScimSimulator;
  const gateways: { process: GatewayProcess; url: string }[] = [];
  let key: string;
  let customers: Customer[];

  beforeAll(async () => {
    store = await openTestStore();
    [salesforce, mailchimp, scim] = await Promise.all([
      startSalesforceSimulator({ contacts: population.salesforceContacts, opportunities: population.salesforceOpportunities, opportunityContactRoles: population.salesforceOpportunityContactRoles, port: 0 }),
      startMailchimpSimulator({ members: population.mailchimpMembers, port: 0 }),
      startScimSimulator({ users: population.scimUsers, port: 0 }),
    ]);
    const descriptors = [salesforce.descriptor, mailchimp.descriptor, scim.descriptor];
    // Day one, in this process: the graph and every system's flags imported.
    const adapters = createAdapters(systemsConfigFromDescriptors(descriptors));
    const composed = composeServices({ store, adapters });
    await loadDemoData({ ...composed.customers, consent: composed.consent, adapters, logger: createLogger({ level: 'silent' }), signal: new AbortController().signal });
    await Promise.all(adapters.map((adapter) => adapter.close()));
    const links = await store.collection<{ customerId: string; system: string; recordId: string }>(collectionNames.identityLinks).find({}).toArray();
    const byCustomer = new Map<string, Customer>();
    for (const link of links) {
      const customer = byCustomer.get(link.customerId) ?? { id: link.customerId, records: [] };
      customer.records.push({ system: link.system, recordId: link.recordId });
      byCustomer.set(link.customerId, customer);
    }
    const redirected = new Set((await store.collection(collectionNames.identityRedirects).find({}).toArray()).map((doc) => doc._id as unknown as string));
    customers = [...byCustomer.values()].filter((customer) => !redirected.has(customer.id) && customer.records.length >= 2).slice(0, 200);
    expect(customers).toHaveLength(200);

    const secrets = newWebhookSecrets(descriptors);
    const env = {
      MONGODB_URI: testMongoUri(),
      MONGODB_DB: store.db.databaseName,
      SYSTEMS: JSON.stringify(descriptors),
      WEBHOOK_SECRETS: JSON.stringify(secrets),
      POLL_INTERVAL_MS: '2000',
      PROPAGATION_RETRY: 'maxAttempts=20,baseMs=200,capMs=2000',
    };
    for (let i = 0; i < 3; i++) {
      const port = await freeLoopbackPort();
      gateways.push({ process: spawnGateway({ ...env, PORT: String(port) }), url: `http://127.0.0.1:${port}` });
    }
    for (const { url } of gateways) expect(await waitForStatus(`${url}/readyz`, (status) => status === 200, 60_000)).toBe(200);
    // Each system sends its webhooks to a different process.
    for (const [n, descriptor] of descriptors.entries()) await registerWebhooks([descriptor], gateways[n]!.url, secrets);
    key = await createApiKey(testMongoUri(), store.db.databaseName, 'admin');
  }, 120_000);

  afterAll(async () => {
    for (const { process } of gateways) process.child.kill('SIGTERM');
    await Promise.all(gateways.map(({ process }) => process.exited));
    await Promise.all([salesforce, mailchimp, scim].map((simulator) => simulator.stop()));
    await store.dropAndClose();
  });

  const outbox = () => store.collection<DeliveryRowDoc>(collectionNames.consentOutbox);
  const nonImportEvents = (filter: Record<string, unknown> = {}) => store.collection(collectionNames.consentEvents).countDocuments({ ...filter, method: { $ne: 'IMPORT' } });
  const rowsOpen = (customerId?: string) => outbox().countDocuments({ ...(customerId && { customerId }), status: { $in: ['PENDING', 'DELIVERING'] } });
  const graphql = async (url: string, query: string, variables: Record<string, unknown>) => {
    const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { data?: { recordConsent: { error: unknown }[] }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(body.data!.recordConsent[0]!.error).toBeNull();
  };
  /** What a system's record holds for EMAIL/MARKETING, in our words. */
  const heldBy = (record: { system: string; recordId: string }): string | undefined => {
    if (record.system === 'salesforce') return salesforce.getContact(record.recordId)!.HasOptedOutOfEmail ? 'DENIED' : 'GRANTED';
    if (record.system === 'mailchimp') return mailchimp.getMember(record.recordId)!.status === 'subscribed' ? 'GRANTED' : 'DENIED';
    const value = (scim.getUser(record.recordId) as unknown as Record<string, Record<string, string> | undefined>)[CONSENT_EXTENSION_URN]?.emailMarketing;
    return value === 'granted' ? 'GRANTED' : value === 'denied' ? 'DENIED' : undefined;
  };
  /** Changes the flag in the system itself, as its user would (webhook source `user` for Mailchimp). */
  const changeInSystem = async (record: { system: string; recordId: string }, to: 'GRANTED' | 'DENIED') => {
    const [url, body] =
      record.system === 'salesforce'
        ? [`${salesforce.descriptor.baseUrl}/__admin/record-change`, { id: record.recordId, fields: { HasOptedOutOfEmail: to === 'DENIED' } }]
        : record.system === 'mailchimp'
          ? [`${new URL(mailchimp.descriptor.baseUrl).origin}/__admin/member-change`, { subscriber_hash: record.recordId, status: to === 'GRANTED' ? 'subscribed' : 'unsubscribed' }]
          : [`${new URL(scim.descriptor.baseUrl).origin}/__admin/record-change`, { id: record.recordId, attributes: { [`${CONSENT_EXTENSION_URN}:emailMarketing`]: to === 'GRANTED' ? 'granted' : 'denied' } }];
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
  };

  it('takes 1,000 changes over 200 customers through the API of every process and the systems themselves, at once', async () => {
    const before = await nonImportEvents();
    const [apiCustomers, systemCustomers] = [customers.slice(0, 100), customers.slice(100)];
    let apiChanges = 0;
    let systemChanges = 0;
    const viaApi = async (customer: Customer, n: number) => {
      for (let step = 0; step < 5; step++) {
        const gateway = gateways[(n + step) % 3]!;
        await graphql(gateway.url, 'mutation($changes: [ConsentChangeInput!]!) { recordConsent(changes: $changes) { error { code } } }', {
          changes: [{ customerId: customer.id, channel: 'EMAIL', purpose: 'MARKETING', status: STATUSES[(n + step) % 2], capturedAt: new Date().toISOString(), method: 'CALL', source: { system: 'contact-centre', recordId: `call-${n}-${step}` }, idempotencyKey: `mp-${n}-${step}` }],
        });
        apiChanges++;
      }
    };
    const viaSystems = async (customer: Customer, n: number) => {
      for (let step = 0; step < 5; step++) {
        // A person changes their answer in one system once the last change has reached it (else it is a race at the vendor, not ours):
        // every event's rows are there (an event is appended before its rows) and none is open.
        const settledNow = async () => (await outbox().countDocuments({ customerId: customer.id })) === 2 * (await nonImportEvents({ customerId: customer.id })) && (await rowsOpen(customer.id)) === 0;
        if (!(await until(settledNow, (done) => done, 90_000))) {
          const rows = await outbox().find({ customerId: customer.id }).toArray();
          const logged = gateways.map(({ process }) => process.output().stdout.split('\n').filter((line) => /failed|error/i.test(line)).slice(0, 3).join('\n')).join('\n');
          throw new Error(`${logged}\nthe deliveries of ${customer.id} did not settle: ${JSON.stringify(rows.map((row) => [row._id, row.status, row.attempts, row.lastError, row.leaseUntil]))}, ${await nonImportEvents({ customerId: customer.id })} events`);
        }
        const record = customer.records[(n + step) % customer.records.length]!;
        const held = heldBy(record) ?? 'DENIED';
        const seen = await nonImportEvents({ customerId: customer.id });
        await changeInSystem(record, held === 'GRANTED' ? 'DENIED' : 'GRANTED');
        systemChanges++;
        const now = await until(() => nonImportEvents({ customerId: customer.id }), (count) => count > seen, 30_000);
        if (now !== seen + 1) {
          const known = await store.collection(collectionNames.propagationTargetValues).find({ _id: { $regex: record.recordId } as never }).toArray();
          const events = await store.collection(collectionNames.consentEvents).find({ customerId: customer.id }).sort({ seq: 1 }).toArray();
          const rows = await outbox().find({ customerId: customer.id }).toArray();
          console.log(JSON.stringify({ record, known, held: heldBy(record), member: record.system === 'mailchimp' ? mailchimp.getMember(record.recordId) : null, events: events.map((e) => [e.seq, e.source, e.method, e.consent?.key, e.consent?.to, e.capturedAt, e.recordedAt, e.current]), rows: rows.map((r) => [r._id, r.status, r.note, r.records]) }, null, 1));
          throw new Error(`change ${step} of ${customer.id} in ${record.system} ${record.recordId} (${held} -> other) gave ${now - seen} events`);
        }
      }
    };
    const work = [...apiCustomers.map((customer, n) => () => viaApi(customer, n)), ...systemCustomers.map((customer, n) => () => viaSystems(customer, n))];
    work.sort(() => Math.random() - 0.5);
    const pool = async () => {
      for (let job = work.shift(); job; job = work.shift()) await job();
    };
    await Promise.all(Array.from({ length: 24 }, pool));
    expect(apiChanges + systemChanges).toBe(1000);

    // Everything settles: no delivery open, no webhook in flight, two more polls, still nothing open.
    expect(await until(() => rowsOpen(), (open) => open === 0, 120_000)).toBe(0);
    await Promise.all([salesforce, mailchimp, scim].map((simulator) => simulator.webhooksIdle()));
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(await until(() => rowsOpen(), (open) => open === 0, 60_000)).toBe(0);

    // One event per change: no echo, no webhook and poll of the same change, counted twice.
    const extra = [];
    for (const customer of customers) {
      const events = await store.collection(collectionNames.consentEvents).find({ customerId: customer.id, method: { $ne: 'IMPORT' } }).sort({ seq: 1 }).toArray();
      if (events.length !== 5) extra.push(events.map((event) => `${event.seq} ${event.source.system} ${event.consent?.to} cap=${event.capturedAt.toISOString()} rec=${event.recordedAt.toISOString()} ${event.idempotencyKey}`));
    }
    if (extra.length) console.log(JSON.stringify(extra, null, 1));
    expect((await nonImportEvents()) - before).toBe(1000);
    // No delivery lost or dead.
    const rows = await outbox().find({ customerId: { $in: customers.map((customer) => customer.id) } }).toArray();
    expect(rows.filter((row) => row.status === 'DEAD' || row.status === 'PENDING' || row.status === 'DELIVERING')).toEqual([]);
    // Every system holds exactly the store's final answer, for every record of every customer.
    const states = await store.collection<{ _id: string; consents: string }>(collectionNames.consentState).find({ _id: { $in: customers.map((customer) => customer.id) } }).toArray();
    const finalOf = new Map(states.map((state) => [state._id, (JSON.parse(state.consents) as ConsentStateDoc['consents']).find((entry) => entry.key === 'EMAIL|MARKETING|')?.status]));
    const mismatches = customers.flatMap((customer) =>
      customer.records.filter((record) => heldBy(record) !== undefined && heldBy(record) !== finalOf.get(customer.id)).map((record) => ({ customer: customer.id, ...record, held: heldBy(record), store: finalOf.get(customer.id) })),
    );
    expect(mismatches).toEqual([]);
  }, 600_000);
});
