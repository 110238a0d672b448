import { collectionNames } from '../../src/store/collections';
import type { DeliveryRowDoc } from '../../src/propagation/delivery-row';
import { sapcdcPopulation } from '../../simulators/sapcdc/sapcdc-population';
import type { SapCdcSimulator } from '../../simulators/sapcdc/sapcdc-simulator';
import { selectSimulatorKinds } from '../../simulators/simulator-kinds';
import { truthOf } from '../../simulators/simulator-kind';
import { startTestStack, type TestStack } from '../harness/stack';
import { testPopulation } from '../harness/simulators';
import { scoreAgainstTruth } from '../harness/identity-score';
import { until } from '../harness/eventually-async';

/**
 * SAP Customer Data Cloud (Gigya) joins the three: identity resolution, profiles, drift,
 * propagation and Gigya's own signed webhooks take it in as they do the others.
 */

const PROFILE = `query($id: String!) { customer(by: { source: { system: "sapcdc", recordId: $id } }) {
  id emails provenance { field system recordId rule } sources { system status }
  consentDrift { system recordId disagreements { channel purpose sourceStatus storeStatus } } } }`;
const RECORD = `mutation($changes: [ConsentChangeInput!]!) { recordConsent(changes: $changes) { eventId current error { code } } }`;

describe('SAP Customer Data Cloud beside Salesforce, Mailchimp and SCIM', () => {
  let stack: TestStack;
  let cdc: SapCdcSimulator;
  const population = testPopulation();
  const accounts = sapcdcPopulation(population).accounts;

  beforeAll(async () => {
    stack = await startTestStack({ sapcdc: true, dayOne: true, propagation: { pollIntervalMs: 60_000 } });
    cdc = stack.simulators[3] as SapCdcSimulator;
  }, 120_000);
  afterAll(() => stack.stop());

  it('links every record of the four systems as the ground truth says, on exact keys', async () => {
    const truth = truthOf(population, selectSimulatorKinds('salesforce,mailchimp,identity,sapcdc'));
    const records = truth.reduce((sum, entry) => sum + entry.records.length, 0);
    const score = await scoreAgainstTruth(stack.composed.customers.graph, truth);
    process.stdout.write(`identity resolution with SAP Customer Data Cloud: ${score.records} records, precision ${score.precision.toFixed(4)}, recall ${score.recall.toFixed(4)}\n`);
    expect(score.records).toBe(records);
    expect(accounts.length).toBeGreaterThan(40);
    expect(score.precision).toBe(1);
    expect(score.recall).toBe(1);
  });

  it("shows a profile's fields with provenance from SAP Customer Data Cloud, and its source status", async () => {
    const account = accounts.find((candidate) => candidate.profile.phones)!;
    const body = await stack.gateway.graphqlAs<{ customer: { provenance: { field: string; system: string; recordId: string }[]; sources: { system: string; status: string }[]; emails: string[] } }>(
      'support-agent',
      PROFILE,
      { id: account.UID },
    );
    expect(body.errors).toBeUndefined();
    const customer = body.data!.customer;
    expect(customer.sources).toContainEqual({ system: 'sapcdc', status: 'OK' });
    expect(customer.provenance).toContainEqual(expect.objectContaining({ system: 'sapcdc', recordId: account.UID }));
    expect(customer.emails.map((email) => email.trim().toLowerCase())).toContain(account.loginIDs.emails[0]);
  });

  it("reads the newsletter and the consent statements for drift", async () => {
    const drifts: { system: string; disagreements: { channel: string; purpose: string }[] }[] = [];
    for (const account of accounts.slice(0, 40)) {
      const body = await stack.gateway.graphqlAs<{ customer: { consentDrift: typeof drifts } }>('support-agent', PROFILE, { id: account.UID });
      drifts.push(...(body.data?.customer.consentDrift ?? []).filter((drift) => drift.system === 'sapcdc'));
    }
    expect(drifts.length).toBeGreaterThan(0);
    expect(drifts.flatMap((drift) => drift.disagreements.map((d) => `${d.channel}/${d.purpose}`))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(EMAIL|SMS|PHONE)\/MARKETING$/)]),
    );
  });

  it('delivers a consent change to SAP Customer Data Cloud as its newsletter subscription', async () => {
    const account = accounts.find((candidate) => cdc.getAccount(candidate.UID)!.subscriptions.newsletter?.email.isSubscribed)!;
    const found = await stack.gateway.graphqlAs<{ customer: { id: string } }>('support-agent', PROFILE, { id: account.UID });
    const customerId = found.data!.customer.id;
    const body = await stack.gateway.graphqlAs<{ recordConsent: { eventId: string }[] }>('support-agent', RECORD, {
      changes: [{ customerId, channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED', capturedAt: new Date().toISOString(), method: 'CALL', idempotencyKey: 'cdc-opt-out-1', source: { system: 'contact-centre', recordId: 'call-1' } }],
    });
    expect(body.errors).toBeUndefined();
    const eventId = body.data!.recordConsent[0]!.eventId;
    const row = await until(
      () => stack.store.collection<DeliveryRowDoc>(collectionNames.consentOutbox).findOne({ _id: `${eventId}>sapcdc` }),
      (doc) => doc?.status === 'DELIVERED',
      20_000,
    );
    expect(row).toMatchObject({ status: 'DELIVERED', records: [account.UID] });
    expect(cdc.getAccount(account.UID)!.subscriptions.newsletter!.email.isSubscribed).toBe(false);
    expect(cdc.writes()).toContainEqual(expect.objectContaining({ route: 'accounts.setAccountInfo', recordId: account.UID, body: { subscriptions: { newsletter: { email: { isSubscribed: false } } } } }));
  }, 30_000);

  it("takes in a person's change through Gigya's signed webhook, and refuses a forged one", async () => {
    const account = accounts.find((candidate) => cdc.getAccount(candidate.UID)!.preferences.privacy?.marketing_sms?.isConsentGranted === false)!;
    const changed = await fetch(`${new URL(cdc.descriptor.baseUrl).origin}/__admin/record-change`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ UID: account.UID, preferences: { privacy: { marketing_sms: { isConsentGranted: true } } } }),
    });
    expect(changed.status).toBe(200);
    const event = await until(
      () => stack.store.collection<{ source: { system: string; recordId: string }; consent: { channel: string; to: string }; method: string }>(collectionNames.consentEvents).findOne({ 'source.system': 'sapcdc', 'source.recordId': account.UID, method: 'WEBHOOK' }),
      (doc) => doc !== null,
      15_000,
    );
    expect(event).toMatchObject({ consent: expect.objectContaining({ channel: 'SMS', to: 'GRANTED' }) });
    expect(cdc.webhookDeliveries()).toContainEqual(expect.objectContaining({ type: 'consentUpdated', status: 200 }));
    const forged = JSON.stringify({ events: [{ type: 'consentUpdated', id: 'forged-1', timestamp: 1, data: { uid: account.UID } }], nonce: 'n', timestamp: 1 });
    const refused = await fetch(`${stack.gateway.baseUrl}/webhooks/sapcdc`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-gigya-sig-hmac-sha1': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }, body: forged });
    expect(refused.status).toBe(401);
  }, 30_000);
});
