import { createAdapters } from '../../src/adapters/create-adapters';
import type { SourceAdapter } from '../../src/adapters/source-adapter';
import { systemsConfigFromDescriptors } from '../../src/adapters/systems-config-from-descriptors';
import { composeServices } from '../../src/compose-services';
import type { RunningSimulator } from '../../simulators/simulator';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { openTestStore } from '../harness/store';
import { startTestMailchimp, startTestSalesforce, startTestScim, testPopulation } from '../harness/simulators';

interface Drift {
  system: string;
  recordId: string;
  disagreements: { channel: string; purpose: string; sourceStatus: string; storeStatus: string }[];
}

const CUSTOMER = `query Drift($recordId: String!) {
  customer(by: { source: { system: "salesforce", recordId: $recordId } }) {
    id
    consents { channel purpose status }
    consentDrift { system recordId disagreements { channel purpose sourceStatus storeStatus } }
  }
}`;

const RECORD = `mutation Record($customerId: ID!, $status: ConsentStatus!, $key: String!) {
  recordConsent(changes: [{
    customerId: $customerId, channel: "EMAIL", purpose: "MARKETING", status: $status,
    capturedAt: "2026-01-05T10:00:00Z", method: WEB_FORM, idempotencyKey: $key,
    source: { system: "preference-centre", recordId: "form-1" }, actor: { kind: CUSTOMER, id: "self" }
  }]) { current error { code } }
}`;

describe('consent drift: source flags compared with the store, over GraphQL', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let simulators: RunningSimulator[];
  let adapters: SourceAdapter[];
  let gateway: RunningGateway;
  // A CRM contact that has not opted out of email: Salesforce believes EMAIL/MARKETING is GRANTED.
  const contact = testPopulation().salesforceContacts.find((candidate) => !candidate.HasOptedOutOfEmail)!;

  beforeAll(async () => {
    store = await openTestStore();
    simulators = await Promise.all([startTestSalesforce(), startTestMailchimp(), startTestScim()]);
    adapters = createAdapters(systemsConfigFromDescriptors(simulators.map((simulator) => simulator.descriptor)));
    gateway = await startTestGateway(store, composeServices({ store, adapters }).services);
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all(adapters.map((adapter) => adapter.close()));
    await Promise.all(simulators.map((simulator) => simulator.stop()));
    await store.dropAndClose();
  });

  const read = async () => {
    const body = await gateway.graphql<{ customer: { id: string; consents: { status: string }[]; consentDrift: Drift[] } }>(CUSTOMER, {
      recordId: contact.Id,
    });
    expect(body.errors).toBeUndefined();
    return body.data!.customer;
  };
  const emailMarketing = (drift: Drift[], system: string) =>
    drift.find((entry) => entry.system === system)?.disagreements.find((d) => d.channel === 'EMAIL' && d.purpose === 'MARKETING');
  const driftCounts = async () => {
    const body = await gateway.graphql<{ systems: { name: string; driftCount: number }[] }>('{ systems { name driftCount } }');
    return Object.fromEntries(body.data!.systems.map((system) => [system.name, system.driftCount]));
  };
  const driftByChannel = async (system: string) => {
    const body = await gateway.graphqlAs<{ systems: { name: string; driftByChannel: { channel: string; purpose: string; customers: number }[] }[] }>(
      'support-agent',
      '{ systems { name driftByChannel { channel purpose customers } } }',
    );
    expect(body.errors).toBeUndefined();
    return body.data!.systems.find((entry) => entry.name === system)!.driftByChannel;
  };

  it('reports the CRM as drifting while the store holds a denial, and never shows the CRM flag as the answer', async () => {
    const { id } = await read();
    const recorded = await gateway.graphql<{ recordConsent: { current: boolean; error: unknown }[] }>(RECORD, {
      customerId: id,
      status: 'DENIED',
      key: 'drift-deny',
    });
    expect(recorded.data!.recordConsent).toEqual([{ current: true, error: null }]);

    const customer = await read();
    expect(customer.consents).toContainEqual({ channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED' });
    expect(emailMarketing(customer.consentDrift, 'salesforce')).toEqual({
      channel: 'EMAIL',
      purpose: 'MARKETING',
      sourceStatus: 'GRANTED',
      storeStatus: 'DENIED',
    });
    expect((await driftCounts()).salesforce).toBe(1);
    // Per channel and purpose: the one customer, once on each pair the CRM disagrees about, sorted.
    const byChannel = await driftByChannel('salesforce');
    expect(byChannel).toContainEqual({ channel: 'EMAIL', purpose: 'MARKETING', customers: 1 });
    expect(byChannel.every((entry) => entry.customers === 1)).toBe(true);
    expect(byChannel.map((entry) => `${entry.channel}|${entry.purpose}`)).toEqual(byChannel.map((entry) => `${entry.channel}|${entry.purpose}`).sort());
  });

  it('reports drift on a search result too, whose profile loads on demand', async () => {
    const body = await gateway.graphql<{ searchCustomers: { edges: { node: { consentDrift: Drift[] } }[] } }>(
      `query($q: String!) { searchCustomers(query: $q, first: 1) { edges { node { consentDrift { system recordId disagreements { channel purpose sourceStatus storeStatus } } } } } }`,
      { q: contact.Email!.trim() },
    );
    expect(body.errors).toBeUndefined();
    const drift = body.data!.searchCustomers.edges[0]!.node.consentDrift;
    expect(emailMarketing(drift, 'salesforce')).toMatchObject({ sourceStatus: 'GRANTED', storeStatus: 'DENIED' });
  });

  it("never reports drift on a channel outside the consent vocabulary, such as the CRM's fax opt-out", async () => {
    // A contact who has not opted out of fax: the CRM says FAX/MARKETING GRANTED, which the store can never hold.
    const faxable = testPopulation().salesforceContacts.find((candidate) => !candidate.HasOptedOutOfFax && candidate.Id !== contact.Id)!;
    const body = await gateway.graphql<{ customer: { consentDrift: Drift[] }; consentVocabulary: { channels: string[] } }>(
      `query($recordId: String!) {
        customer(by: { source: { system: "salesforce", recordId: $recordId } }) { consentDrift { system disagreements { channel purpose } } }
        consentVocabulary { channels }
      }`,
      { recordId: faxable.Id },
    );
    expect(body.errors).toBeUndefined();
    const channels = body.data!.customer.consentDrift.flatMap((drift) => drift.disagreements.map((disagreement) => disagreement.channel));
    expect(channels).not.toContain('FAX');
    expect(channels.every((channel) => body.data!.consentVocabulary.channels.includes(channel))).toBe(true);
  });

  it('clears the drift once the store and the CRM agree again', async () => {
    const emailMarketingCustomers = async () => (await driftByChannel('salesforce')).find((entry) => entry.channel === 'EMAIL' && entry.purpose === 'MARKETING')?.customers ?? 0;
    const driftingBefore = await emailMarketingCustomers();
    const { id } = await read();
    await gateway.graphql(RECORD, { customerId: id, status: 'GRANTED', key: 'drift-grant' });
    const customer = await read();
    expect(emailMarketing(customer.consentDrift, 'salesforce')).toBeUndefined();
    expect(customer.consents).toContainEqual({ channel: 'EMAIL', purpose: 'MARKETING', status: 'GRANTED' });
    // One customer fewer on that channel and purpose (others read since may still drift on it).
    expect(await emailMarketingCustomers()).toBe(driftingBefore - 1);
  });
});
