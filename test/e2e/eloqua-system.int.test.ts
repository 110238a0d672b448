import { collectionNames } from '../../src/store/collections';
import type { DeliveryRowDoc } from '../../src/propagation/delivery-row';
import { eloquaPopulation } from '../../simulators/eloqua/eloqua-population';
import type { EloquaSimulator } from '../../simulators/eloqua/eloqua-simulator';
import { selectSimulatorKinds } from '../../simulators/simulator-kinds';
import { truthOf } from '../../simulators/simulator-kind';
import { startTestStack, type TestStack } from '../harness/stack';
import { testPopulation } from '../harness/simulators';
import { scoreAgainstTruth } from '../harness/identity-score';
import { until } from '../harness/eventually-async';

/** Oracle Eloqua joins the three: identity resolution, profiles, drift and propagation take it in as they do the others. */

const PROFILE = `query($id: String!) { customer(by: { source: { system: "eloqua", recordId: $id } }) {
  id emails provenance { field system recordId rule } sources { system status }
  consentDrift { system recordId disagreements { channel purpose sourceStatus storeStatus } } } }`;
const RECORD = `mutation($changes: [ConsentChangeInput!]!) { recordConsent(changes: $changes) { eventId current error { code } } }`;

describe('four systems: Salesforce, Mailchimp, SCIM and Oracle Eloqua', () => {
  let stack: TestStack;
  let eloqua: EloquaSimulator;
  const population = testPopulation();
  const contacts = eloquaPopulation(population).contacts;

  beforeAll(async () => {
    stack = await startTestStack({ eloqua: true, dayOne: true, propagation: { pollIntervalMs: 60_000 } });
    eloqua = stack.simulators[3] as EloquaSimulator;
  }, 120_000);
  afterAll(() => stack.stop());

  it('links every record of the four systems as the ground truth says, on exact keys', async () => {
    const truth = truthOf(population, selectSimulatorKinds('salesforce,mailchimp,identity,eloqua'));
    const records = truth.reduce((sum, entry) => sum + entry.records.length, 0);
    const score = await scoreAgainstTruth(stack.composed.customers.graph, truth);
    process.stdout.write(`identity resolution with Eloqua: ${score.records} records, precision ${score.precision.toFixed(4)}, recall ${score.recall.toFixed(4)}\n`);
    expect(score.records).toBe(records);
    expect(contacts.length).toBeGreaterThan(40);
    expect(score.precision).toBe(1);
    expect(score.recall).toBe(1);
  });

  it("shows a profile's fields with provenance from Eloqua, and its source status", async () => {
    const contact = contacts[4]!;
    const body = await stack.gateway.graphqlAs<{ customer: { provenance: { field: string; system: string; recordId: string }[]; sources: { system: string; status: string }[]; emails: string[] } }>(
      'support-agent',
      PROFILE,
      { id: contact.id },
    );
    expect(body.errors).toBeUndefined();
    const customer = body.data!.customer;
    expect(customer.sources).toContainEqual({ system: 'eloqua', status: 'OK' });
    expect(customer.provenance.some((entry) => entry.system === 'eloqua' && entry.recordId === contact.id)).toBe(true);
    expect(customer.emails.map((email) => email.toLowerCase())).toContain(contact.emailAddress.toLowerCase());
  });

  it("reads Eloqua's global subscription and group subscriptions for drift", async () => {
    const drifts: { system: string; disagreements: { channel: string; purpose: string }[] }[] = [];
    for (const contact of contacts.slice(0, 40)) {
      const body = await stack.gateway.graphqlAs<{ customer: { consentDrift: typeof drifts } }>('support-agent', PROFILE, { id: contact.id });
      drifts.push(...(body.data?.customer.consentDrift ?? []).filter((drift) => drift.system === 'eloqua'));
    }
    expect(drifts.length).toBeGreaterThan(0);
    expect(drifts.flatMap((drift) => drift.disagreements.map((d) => `${d.channel}/${d.purpose}`))).toEqual(expect.arrayContaining([expect.stringMatching(/^EMAIL\/(MARKETING|SERVICE|THIRD_PARTY)$/)]));
  });

  it('delivers a consent change to Eloqua as a global unsubscribe', async () => {
    const contact = contacts.find((candidate) => eloqua.getContact(candidate.id)!.isSubscribed === 'true')!;
    const found = await stack.gateway.graphqlAs<{ customer: { id: string } }>('support-agent', PROFILE, { id: contact.id });
    const customerId = found.data!.customer.id;
    const body = await stack.gateway.graphqlAs<{ recordConsent: { eventId: string }[] }>('support-agent', RECORD, {
      changes: [{ customerId, channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED', capturedAt: new Date().toISOString(), method: 'CALL', idempotencyKey: 'eloqua-opt-out-1', source: { system: 'contact-centre', recordId: 'call-1' } }],
    });
    expect(body.errors).toBeUndefined();
    const eventId = body.data!.recordConsent[0]!.eventId;
    const row = await until(
      () => stack.store.collection<DeliveryRowDoc>(collectionNames.consentOutbox).findOne({ _id: `${eventId}>eloqua` }),
      (doc) => doc?.status === 'DELIVERED',
      20_000,
    );
    expect(row).toMatchObject({ status: 'DELIVERED', records: [contact.id] });
    expect(eloqua.getContact(contact.id)!.isSubscribed).toBe('false');
    expect(eloqua.writes()).toContainEqual(expect.objectContaining({ route: 'contact.update', recordId: contact.id, body: expect.objectContaining({ isSubscribed: 'false' }) }));
  }, 30_000);
});
