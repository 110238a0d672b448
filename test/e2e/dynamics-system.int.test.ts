import { collectionNames } from '../../src/store/collections';
import type { DeliveryRowDoc } from '../../src/propagation/delivery-row';
import { dynamicsPopulation } from '../../simulators/dynamics/dynamics-population';
import type { DynamicsSimulator } from '../../simulators/dynamics/dynamics-simulator';
import { selectSimulatorKinds } from '../../simulators/simulator-kinds';
import { truthOf } from '../../simulators/simulator-kind';
import { startTestStack, type TestStack } from '../harness/stack';
import { testPopulation } from '../harness/simulators';
import { scoreAgainstTruth } from '../harness/identity-score';
import { until } from '../harness/eventually-async';

/**
 * The demo with every simulator connected (`DEMO_SYSTEMS=all`): Dynamics 365 joins the
 * three, and identity resolution, profiles, drift and propagation take it in as they do
 * the others.
 */

const PROFILE = `query($id: String!) { customer(by: { source: { system: "dynamics", recordId: $id } }) {
  id emails provenance { field system recordId rule } sources { system status }
  consentDrift { system recordId disagreements { channel purpose sourceStatus storeStatus } } } }`;
const RECORD = `mutation($changes: [ConsentChangeInput!]!) { recordConsent(changes: $changes) { eventId current error { code } } }`;

describe('four systems: Salesforce, Mailchimp, SCIM and Dynamics 365', () => {
  let stack: TestStack;
  let dynamics: DynamicsSimulator;
  const population = testPopulation();
  const contacts = dynamicsPopulation(population).contacts;

  beforeAll(async () => {
    stack = await startTestStack({ dynamics: true, dayOne: true, propagation: { pollIntervalMs: 60_000 } });
    dynamics = stack.simulators[3] as DynamicsSimulator;
  }, 120_000);
  afterAll(() => stack.stop());

  it('links every record of the four systems as the ground truth says, on exact keys', async () => {
    const truth = truthOf(population, selectSimulatorKinds('salesforce,mailchimp,identity,dynamics'));
    const records = truth.reduce((sum, entry) => sum + entry.records.length, 0);
    const score = await scoreAgainstTruth(stack.composed.customers.graph, truth);
    process.stdout.write(`identity resolution over four systems: ${score.records} records, precision ${score.precision.toFixed(4)}, recall ${score.recall.toFixed(4)}\n`);
    expect(score.records).toBe(records);
    expect(contacts.length).toBeGreaterThan(40);
    expect(score.precision).toBeGreaterThanOrEqual(0.995);
    expect(score.recall).toBeGreaterThanOrEqual(0.99);
  });

  it("shows a profile's fields with provenance from Dynamics 365, and its source status", async () => {
    const contact = contacts.find((candidate) => candidate.emailaddress2 && candidate.mobilephone)!;
    const body = await stack.gateway.graphqlAs<{ customer: { provenance: { field: string; system: string; recordId: string }[]; sources: { system: string; status: string }[]; emails: string[] } }>(
      'support-agent',
      PROFILE,
      { id: contact.contactid },
    );
    expect(body.errors).toBeUndefined();
    const customer = body.data!.customer;
    expect(customer.sources).toContainEqual({ system: 'dynamics', status: 'OK' });
    expect(customer.provenance).toContainEqual(expect.objectContaining({ field: 'emails', system: 'dynamics', recordId: contact.contactid }));
    expect(customer.emails.map((email) => email.toLowerCase())).toContain(contact.emailaddress2!.trim().toLowerCase());
  });

  it("reads Dynamics 365's do-not columns for drift", async () => {
    const drifts: { system: string; disagreements: { channel: string; purpose: string }[] }[] = [];
    for (const contact of contacts.slice(0, 40)) {
      const body = await stack.gateway.graphqlAs<{ customer: { consentDrift: typeof drifts } }>('support-agent', PROFILE, { id: contact.contactid });
      drifts.push(...(body.data?.customer.consentDrift ?? []).filter((drift) => drift.system === 'dynamics'));
    }
    expect(drifts.length).toBeGreaterThan(0);
    expect(drifts.flatMap((drift) => drift.disagreements.map((d) => `${d.channel}/${d.purpose}`))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(EMAIL|PHONE|POSTAL)\/(MARKETING|SERVICE)$/)]),
    );
  });

  it('delivers a consent change to Dynamics 365 as its do-not column', async () => {
    const contact = contacts.find((candidate) => !candidate.donotbulkemail && !dynamics.getContact(candidate.contactid)!.donotbulkemail)!;
    const found = await stack.gateway.graphqlAs<{ customer: { id: string } }>('support-agent', PROFILE, { id: contact.contactid });
    const customerId = found.data!.customer.id;
    const body = await stack.gateway.graphqlAs<{ recordConsent: { eventId: string }[] }>('support-agent', RECORD, {
      changes: [{ customerId, channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED', capturedAt: new Date().toISOString(), method: 'CALL', idempotencyKey: 'd365-opt-out-1', source: { system: 'contact-centre', recordId: 'call-1' } }],
    });
    expect(body.errors).toBeUndefined();
    const eventId = body.data!.recordConsent[0]!.eventId;
    const row = await until(
      () => stack.store.collection<DeliveryRowDoc>(collectionNames.consentOutbox).findOne({ _id: `${eventId}>dynamics` }),
      (doc) => doc?.status === 'DELIVERED',
      20_000,
    );
    expect(row).toMatchObject({ status: 'DELIVERED', records: [contact.contactid] });
    expect(dynamics.getContact(contact.contactid)!.donotbulkemail).toBe(true);
    expect(dynamics.writes()).toContainEqual(expect.objectContaining({ route: 'contacts.update', recordId: contact.contactid, body: { donotbulkemail: true } }));
  }, 30_000);
});
