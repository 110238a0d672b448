import { collectionNames } from '../../src/store/collections';
import type { MailchimpSimulator } from '../../simulators/mailchimp/mailchimp-simulator';
import type { SalesforceSimulator } from '../../simulators/salesforce/salesforce-simulator';
import type { ScimSimulator } from '../../simulators/scim/scim-simulator';
import { CONSENT_EXTENSION_URN } from '../../src/adapters/scim/scim-user';
import { startTestStack, type TestStack } from '../harness/stack';
import { testPopulation } from '../harness/simulators';
import { until } from '../harness/eventually-async';
import { importSourceConsents } from '../../src/consent/source-consent-import';
import { subscriberHash } from '../../src/adapters/mailchimp/subscriber-hash';

interface Delivery {
  eventId: string;
  system: string;
  status: string;
  attempts: number;
  records: string[];
  lastError: string | null;
}

const LEDGER = `query Ledger($id: ID!) {
  customer(by: { id: $id }) {
    deliveries { eventId system status attempts records lastError }
  }
  consentHistory(customerId: $id) { edges { node { id source { system recordId } method consent { channel purpose to } deliveries { system status } } } }
}`;

interface Ledger {
  customer: { deliveries: Delivery[] };
  consentHistory: { edges: { node: { id: string; source: { system: string; recordId: string }; method: string; consent: { to: string } | null; deliveries: { system: string; status: string }[] } }[] };
}

describe('propagation: a change made in one system reaches every other, once, without echoes', () => {
  let stack: TestStack;
  let salesforce: SalesforceSimulator;
  let mailchimp: MailchimpSimulator;
  let scim: ScimSimulator;
  // Someone in all three systems, subscribed in Mailchimp, not opted out in Salesforce, granting email marketing in the identity system.
  const population = testPopulation();
  const member = population.mailchimpMembers.find((candidate) => {
    const email = candidate.email_address.toLowerCase();
    const contact = population.salesforceContacts.find((c) => c.Email?.toLowerCase() === email);
    const user = population.scimUsers.find((u) => u.emails.some((e) => e.value.toLowerCase() === email));
    return candidate.status === 'subscribed' && contact && !contact.HasOptedOutOfEmail && user;
  })!;
  const contact = population.salesforceContacts.find((c) => c.Email?.toLowerCase() === member.email_address.toLowerCase())!;
  const user = population.scimUsers.find((u) => u.emails.some((e) => e.value.toLowerCase() === member.email_address.toLowerCase()))!;
  let customerId: string;
  let imports: number;

  beforeAll(async () => {
    stack = await startTestStack({ propagation: { pollIntervalMs: 500, retry: { maxAttempts: 3, baseMs: 200, capMs: 1000 } } });
    [salesforce, mailchimp, scim] = stack.simulators as [SalesforceSimulator, MailchimpSimulator, ScimSimulator];
    const found = await stack.gateway.graphql<{ customer: { id: string; sourceRecords: { system: string }[] } }>(
      'query($email: String!) { customer(by: { email: $email }) { id sourceRecords { system } } }',
      { email: member.email_address },
    );
    customerId = found.data!.customer.id;
    expect(found.data!.customer.sourceRecords.map((record) => record.system).sort()).toEqual(['identity', 'mailchimp', 'salesforce']);
    // Day one: each system's flags imported, the baseline a change is told from.
    const records = (await Promise.all(stack.adapters.map((adapter, n) => adapter.fetchByIds([[contact.Id, subscriberHash(member.email_address), user.id][n]!])))).flat();
    const imported = await importSourceConsents(stack.composed.consent, records.map((record) => ({ record: record!, customerId })));
    expect(imported.imported).toBeGreaterThan(0);
    imports = imported.imported;
  }, 60_000);
  afterAll(() => stack.stop());

  const ledger = async () => (await stack.gateway.graphql<Ledger>(LEDGER, { id: customerId })).data!;

  it('takes in a Mailchimp unsubscribe from its webhook, opts the Salesforce contact out, updates the SCIM user, and writes nothing back to Mailchimp', async () => {
    expect(salesforce.getContact(contact.Id)!.HasOptedOutOfEmail).toBe(false);
    [salesforce, mailchimp, scim].forEach((simulator) => simulator.resetCounters());

    // The subscriber unsubscribes in Mailchimp itself.
    const changed = await fetch(`${new URL(mailchimp.descriptor.baseUrl).origin}/__admin/member-change`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: member.email_address, status: 'unsubscribed' }),
    });
    expect(changed.status).toBe(200);

    const done = await until(ledger, (now) => now.customer.deliveries.length === 2 && now.customer.deliveries.every((delivery) => delivery.status === 'DELIVERED'));
    expect(done.customer.deliveries.map(({ system, status }) => ({ system, status })).sort((a, b) => a.system.localeCompare(b.system))).toEqual([
      { system: 'identity', status: 'DELIVERED' },
      { system: 'salesforce', status: 'DELIVERED' },
    ]);
    expect(done.customer.deliveries.find((delivery) => delivery.system === 'salesforce')!.records).toEqual([contact.Id]);

    // The targets hold it.
    expect(salesforce.getContact(contact.Id)!.HasOptedOutOfEmail).toBe(true);
    expect((scim.getUser(user.id) as unknown as Record<string, Record<string, string>>)[CONSENT_EXTENSION_URN]!.emailMarketing).toBe('denied');
    // The history shows where it came from, and its deliveries.
    const [event] = done.consentHistory.edges.map((edge) => edge.node).filter((node) => node.method === 'WEBHOOK');
    expect(event).toMatchObject({ method: 'WEBHOOK', consent: { to: 'DENIED' } });
    expect(event!.deliveries.map((delivery) => delivery.system).sort()).toEqual(['identity', 'salesforce']);

    // The echoes of our own writes (Salesforce's and SCIM's webhooks, then their polls) are no new events.
    await Promise.all([salesforce, scim, mailchimp].map((simulator) => simulator.webhooksIdle()));
    await new Promise((resolve) => setTimeout(resolve, 1500)); // two poll intervals
    const events = await stack.store.collection(collectionNames.consentEvents).find({ customerId, method: { $ne: 'IMPORT' } }).toArray();
    expect(events.map((event) => event.source.system)).toEqual(['mailchimp']);
    expect(await stack.store.collection(collectionNames.consentEvents).countDocuments({ customerId })).toBe(imports + 1);
    expect(mailchimp.writes()).toEqual([]);
    expect(salesforce.writes().map((write) => write.recordId)).toEqual([contact.Id]);
    expect(scim.writes().map((write) => write.recordId)).toEqual([user.id]);
  }, 30_000);

  it('keeps a double opt-in PENDING while the CRM, which can only opt the contact out, reports it back: that echo is no refusal', async () => {
    const record = async (status: string) => {
      const { data } = await stack.gateway.graphql<{ recordConsent: { eventId: string }[] }>(
        'mutation($changes: [ConsentChangeInput!]!) { recordConsent(changes: $changes) { eventId } }',
        { changes: [{ customerId, channel: 'EMAIL', purpose: 'MARKETING', status, capturedAt: new Date().toISOString(), source: { system: 'preference-centre', recordId: customerId }, method: 'WEB_FORM' }] },
      );
      const eventId = data!.recordConsent[0]!.eventId;
      await until(ledger, (now) => {
        const deliveries = now.customer.deliveries.filter((delivery) => delivery.eventId === eventId);
        return deliveries.length === 3 && deliveries.every((delivery) => delivery.status === 'DELIVERED');
      });
      return eventId;
    };
    await record('GRANTED');
    expect(salesforce.getContact(contact.Id)!.HasOptedOutOfEmail).toBe(false);
    const pendingId = await record('PENDING');
    // Each system holds the nearest it can say: Salesforce opted out, Mailchimp pending (it sends its own confirmation email).
    expect(salesforce.getContact(contact.Id)!.HasOptedOutOfEmail).toBe(true);
    expect(mailchimp.getMember(member.email_address)!.status).toBe('pending');
    expect((scim.getUser(user.id) as unknown as Record<string, Record<string, string>>)[CONSENT_EXTENSION_URN]!.emailMarketing).toBe('pending');

    await Promise.all([salesforce, scim, mailchimp].map((simulator) => simulator.webhooksIdle()));
    await new Promise((resolve) => setTimeout(resolve, 1500)); // two poll intervals
    const { data } = await stack.gateway.graphql<{ customer: { consents: { channel: string; purpose: string; recordedStatus: string; eventId: string }[] } }>(
      'query($id: ID!) { customer(by: { id: $id }) { consents { channel purpose recordedStatus eventId } } }',
      { id: customerId },
    );
    expect(data!.customer.consents.find((consent) => consent.channel === 'EMAIL' && consent.purpose === 'MARKETING')).toMatchObject({ recordedStatus: 'PENDING', eventId: pendingId });
    const [newest] = (await ledger()).consentHistory.edges.map((edge) => edge.node);
    expect(newest!.id).toBe(pendingId);
  }, 30_000);
});
