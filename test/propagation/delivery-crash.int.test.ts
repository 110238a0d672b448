import { collectionNames } from '../../src/store/collections';
import { composeServices } from '../../src/compose-services';
import { createAdapters } from '../../src/adapters/create-adapters';
import { systemsConfigFromDescriptors } from '../../src/adapters/systems-config-from-descriptors';
import { loadDemoData } from '../../src/demo-data';
import { createLogger } from '../../src/observability/logger';
import { freeLoopbackPort } from '../../src/store/embedded-ferretdb';
import type { DeliveryRowDoc } from '../../src/propagation/delivery-row';
import type { SalesforceSimulator } from '../../simulators/salesforce/salesforce-simulator';
import type { RunningSimulator } from '../../simulators/simulator';
import { openTestStore, testMongoUri } from '../harness/store';
import { startTestMailchimp, startTestSalesforce, startTestScim } from '../harness/simulators';
import { createApiKey, spawnGateway, waitForStatus, type GatewayProcess } from '../harness/gateway-process';
import { until } from '../harness/eventually-async';

describe('deliveries survive a killed worker and a CRM outage: nothing acknowledged is lost', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let simulators: RunningSimulator[];
  let salesforce: SalesforceSimulator;
  const gateways: { process: GatewayProcess; url: string }[] = [];
  let key: string;
  /** Salesforce contact id -> its customer. */
  let customerOf: Map<string, string>;

  beforeAll(async () => {
    store = await openTestStore();
    simulators = await Promise.all([startTestSalesforce(), startTestMailchimp(), startTestScim()]);
    salesforce = simulators[0] as SalesforceSimulator;
    const descriptors = simulators.map((simulator) => simulator.descriptor);
    const adapters = createAdapters(systemsConfigFromDescriptors(descriptors));
    const composed = composeServices({ store, adapters });
    await loadDemoData({ ...composed.customers, consent: composed.consent, adapters, logger: createLogger({ level: 'silent' }), signal: new AbortController().signal });
    await Promise.all(adapters.map((adapter) => adapter.close()));
    const links = await store.collection<{ customerId: string; system: string; recordId: string }>(collectionNames.identityLinks).find({ system: 'salesforce' }).toArray();
    customerOf = new Map(links.map((link) => [link.recordId, link.customerId]));
    const env = {
      MONGODB_URI: testMongoUri(),
      MONGODB_DB: store.db.databaseName,
      SYSTEMS: JSON.stringify(descriptors),
      POLL_INTERVAL_MS: '600000',
      PROPAGATION_LEASE_MS: '15000',
      PROPAGATION_RETRY: 'maxAttempts=30,baseMs=500,capMs=4000',
    };
    for (let i = 0; i < 2; i++) {
      const port = await freeLoopbackPort();
      gateways.push({ process: spawnGateway({ ...env, PORT: String(port) }), url: `http://127.0.0.1:${port}` });
    }
    for (const { url } of gateways) expect(await waitForStatus(`${url}/readyz`, (status) => status === 200, 60_000)).toBe(200);
    key = await createApiKey(testMongoUri(), store.db.databaseName, 'admin');
  }, 120_000);

  afterAll(async () => {
    for (const { process } of gateways) process.child.kill('SIGTERM');
    await Promise.all(gateways.map(({ process }) => process.exited));
    await Promise.all(simulators.map((simulator) => simulator.stop()));
    await store.dropAndClose();
  });

  /** Opts `contacts` out of email through a gateway; answers the events' ids. */
  const optOut = async (url: string, contactIds: readonly string[], label: string): Promise<string[]> => {
    const changes = contactIds.map((id, n) => ({
      customerId: customerOf.get(id), channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED', capturedAt: new Date().toISOString(),
      method: 'CALL', source: { system: 'contact-centre', recordId: `${label}-${n}` }, idempotencyKey: `${label}-${n}`,
    }));
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: 'mutation($changes: [ConsentChangeInput!]!) { recordConsent(changes: $changes) { eventId error { code } } }', variables: { changes } }),
    });
    const body = (await response.json()) as { data: { recordConsent: { eventId: string; error: unknown }[] } };
    expect(body.data.recordConsent.map((result) => result.error)).toEqual(contactIds.map(() => null));
    return body.data.recordConsent.map((result) => result.eventId);
  };
  const rows = (eventIds: readonly string[]) =>
    store.collection<DeliveryRowDoc>(collectionNames.consentOutbox).find({ _id: { $in: eventIds.map((id) => `${id}>salesforce`) } }).toArray();
  const optedIn = (ids: readonly string[]) => ids.filter((id) => !salesforce.getContact(id)!.HasOptedOutOfEmail);

  it('a worker killed (SIGKILL) in the middle of its deliveries: another process takes them up after the lease (15 s), and every contact ends opted out', async () => {
    const contacts = optedIn([...customerOf.keys()]).slice(0, 12);
    salesforce.setFaults({ latencyMs: 3000, routes: ['sobject.update'] });
    const eventIds = await optOut(gateways[0]!.url, contacts, 'kill');
    // Wait until a worker holds claims, then kill the process it runs in, without a chance to finish.
    const claim = await until(() => store.collection<{ worker: string }>(collectionNames.propagationClaims).findOne({}), (found) => found !== null, 20_000);
    const pid = Number(claim!.worker.split(':')[1]);
    const victim = gateways.find(({ process }) => process.child.pid === pid)!;
    expect(victim).toBeDefined();
    victim.process.child.kill('SIGKILL');
    expect(await victim.process.exited).toBe('SIGKILL');
    salesforce.setFaults({});
    const done = await until(() => rows(eventIds), (found) => found.length === contacts.length && found.every((row) => row.status === 'DELIVERED'), 60_000);
    expect(done.map((row) => row.status)).toEqual(contacts.map(() => 'DELIVERED'));
    expect(optedIn(contacts)).toEqual([]);
    gateways.splice(gateways.indexOf(victim), 1);
  }, 120_000);

  it('the CRM down for 30 s: deliveries wait, then resume, and nothing is lost', async () => {
    const contacts = optedIn([...customerOf.keys()]).slice(0, 10);
    salesforce.setFaults({ errorRate: 1, routes: ['sobject.update'] });
    const started = Date.now();
    const eventIds = [...(await optOut(gateways[0]!.url, contacts.slice(0, 5), 'down-a'))];
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    eventIds.push(...(await optOut(gateways[0]!.url, contacts.slice(5), 'down-b')));
    const waiting = await rows(eventIds);
    expect(waiting.filter((row) => row.status === 'DELIVERED')).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 30_000 - (Date.now() - started))));
    salesforce.setFaults({});
    const done = await until(() => rows(eventIds), (found) => found.every((row) => row.status === 'DELIVERED'), 60_000);
    expect(done.map((row) => row.status)).toEqual(contacts.map(() => 'DELIVERED'));
    expect(optedIn(contacts)).toEqual([]);
    expect(Math.max(...done.map((row) => row.failures ?? 0))).toBeGreaterThan(0);
  }, 150_000);
});
