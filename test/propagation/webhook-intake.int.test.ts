import { Webhook } from 'standardwebhooks';
import { collectionNames } from '../../src/store/collections';
import type { MailchimpSimulator } from '../../simulators/mailchimp/mailchimp-simulator';
import type { SalesforceSimulator } from '../../simulators/salesforce/salesforce-simulator';
import { startTestStack, type TestStack } from '../harness/stack';
import { testPopulation } from '../harness/simulators';
import { until } from '../harness/eventually-async';

describe('webhooks in: only a verified call is taken in, the record is re-read, a redelivery is no new change, and a lost webhook is polled', () => {
  let stack: TestStack;
  let salesforce: SalesforceSimulator;
  let mailchimp: MailchimpSimulator;
  const population = testPopulation();
  // People in all three systems, not opted out of email in the CRM.
  const inAll = (email: string) =>
    population.mailchimpMembers.some((member) => member.email_address.toLowerCase() === email) && population.scimUsers.some((user) => user.emails.some((entry) => entry.value.toLowerCase() === email));
  const contacts = population.salesforceContacts.filter((contact) => contact.Email && !contact.HasOptedOutOfEmail && inAll(contact.Email.toLowerCase())).slice(0, 4);
  const subscribed = population.mailchimpMembers.filter((member) => member.status === 'subscribed' && !contacts.some((contact) => contact.Email?.toLowerCase() === member.email_address.toLowerCase())).slice(0, 1);
  const customerOf = new Map<string, string>();

  beforeAll(async () => {
    stack = await startTestStack({ dayOne: true, propagation: { pollIntervalMs: 60_000 } });
    [salesforce, mailchimp] = stack.simulators as [SalesforceSimulator, MailchimpSimulator];
    for (const contact of contacts) {
      const found = await stack.gateway.graphql<{ customer: { id: string } }>('query($email: String!) { customer(by: { email: $email }) { id } }', { email: contact.Email });
      customerOf.set(contact.Id, found.data!.customer.id);
    }
    for (const member of subscribed) {
      const found = await stack.gateway.graphql<{ customer: { id: string } }>('query($email: String!) { customer(by: { email: $email }) { id } }', { email: member.email_address });
      customerOf.set(member.email_address, found.data!.customer.id);
    }
  }, 60_000);
  afterAll(() => stack.stop());

  // The changes after day one's import.
  const events = (customerId: string) => stack.store.collection(collectionNames.consentEvents).find({ customerId, method: { $ne: 'IMPORT' } }).toArray();
  const signed = (secret: string, id: string, body: string, at = new Date()) => ({
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  });
  const post = (path: string, headers: Record<string, string>, body: string) => fetch(`${stack.gateway.baseUrl}${path}`, { method: 'POST', headers, body });

  it('refuses a bad signature, a stale timestamp and an unknown system, and records nothing', async () => {
    const contact = contacts[0]!;
    const body = JSON.stringify({ type: 'contact.updated', timestamp: new Date().toISOString(), data: { id: contact.Id } });
    const wrongSecret = `whsec_${Buffer.from('x'.repeat(32)).toString('base64')}`;
    const forged = await post('/webhooks/salesforce', signed(wrongSecret, 'msg_forged', body), body);
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ errors: [{ message: 'Webhook refused: the signature or timestamp is not valid; nothing was recorded.', extensions: { code: 'UNAUTHENTICATED' } }] });
    const stale = await post('/webhooks/salesforce', signed(stack.webhookSecrets.salesforce![0]!, 'msg_stale', body, new Date(Date.now() - 6 * 60_000)), body);
    expect(stale.status).toBe(401);
    const unknown = await post('/webhooks/erp', signed(stack.webhookSecrets.salesforce![0]!, 'msg_erp', body), body);
    expect(unknown.status).toBe(404);
    expect(await events(customerOf.get(contact.Id)!)).toEqual([]);
  });

  it('takes in a verified webhook once: its redelivery (same webhook-id) is a duplicate, and a second report of the same change is no event', async () => {
    const contact = contacts[1]!;
    salesforce.setFaults({ dropWebhooks: true }); // the simulator's own webhook is lost: ours is the only one
    const changed = await fetch(`${salesforce.descriptor.baseUrl}/__admin/record-change`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: contact.Id, fields: { HasOptedOutOfEmail: true } }),
    });
    expect(changed.status).toBe(200);
    salesforce.setFaults({});
    const body = JSON.stringify({ type: 'contact.updated', timestamp: new Date().toISOString(), data: { id: contact.Id, changedFields: ['HasOptedOutOfEmail'] } });
    const headers = signed(stack.webhookSecrets.salesforce![0]!, 'msg_once', body);
    const first = await post('/webhooks/salesforce', headers, body);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ outcome: 'TAKEN_IN', recorded: 1 });
    expect(await (await post('/webhooks/salesforce', headers, body)).json()).toEqual({ outcome: 'DUPLICATE' });
    const again = JSON.stringify({ type: 'contact.updated', timestamp: new Date().toISOString(), data: { id: contact.Id } });
    expect(await (await post('/webhooks/salesforce', signed(stack.webhookSecrets.salesforce![0]!, 'msg_again', again), again)).json()).toMatchObject({ outcome: 'TAKEN_IN', recorded: 0 });
    const recorded = await events(customerOf.get(contact.Id)!);
    expect(recorded.map((event) => ({ system: event.source.system, recordId: event.source.recordId, to: event.consent.to, method: event.method }))).toEqual([
      { system: 'salesforce', recordId: contact.Id, to: 'DENIED', method: 'WEBHOOK' },
    ]);
  });

  it("admits Mailchimp's webhooks by the secret in their URL only, answers its registration check, and believes the API, not the webhook", async () => {
    const [member] = subscribed;
    const secret = stack.webhookSecrets.mailchimp![0]!;
    expect((await fetch(`${stack.gateway.baseUrl}/webhooks/mailchimp/${secret}`)).status).toBe(200);
    expect((await fetch(`${stack.gateway.baseUrl}/webhooks/mailchimp/not-the-secret`)).status).toBe(404);
    const form = new URLSearchParams({ type: 'unsubscribe', fired_at: '2026-12-01 10:00:00', 'data[email]': member!.email_address, 'data[list_id]': member!.list_id });
    const wrong = await fetch(`${stack.gateway.baseUrl}/webhooks/mailchimp/not-the-secret`, { method: 'POST', body: form });
    expect(wrong.status).toBe(404);
    // The member is still subscribed in Mailchimp: a webhook saying otherwise changes nothing.
    const claimed = await fetch(`${stack.gateway.baseUrl}/webhooks/mailchimp/${secret}`, { method: 'POST', body: form });
    expect(await claimed.json()).toMatchObject({ outcome: 'TAKEN_IN', recorded: 0 });
    expect(await events(customerOf.get(member!.email_address)!)).toEqual([]);
  });

  it('takes in, by polling, a change whose webhook was lost', async () => {
    const contact = contacts[2]!;
    salesforce.setFaults({ dropWebhooks: true });
    await fetch(`${salesforce.descriptor.baseUrl}/__admin/record-change`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: contact.Id, fields: { HasOptedOutOfEmail: true } }),
    });
    await salesforce.webhooksIdle();
    expect(await events(customerOf.get(contact.Id)!)).toEqual([]);
    await stack.composed.propagation.start().poller.pollOnce();
    const recorded = await until(() => events(customerOf.get(contact.Id)!), (found) => found.length > 0);
    expect(recorded.map((event) => ({ system: event.source.system, to: event.consent.to }))).toEqual([{ system: 'salesforce', to: 'DENIED' }]);
    salesforce.setFaults({});
    // The change goes out to the others (never back to Salesforce).
    const rows = await until(
      () => stack.store.collection(collectionNames.consentOutbox).find({ eventId: recorded[0]!._id }).toArray(),
      (found) => found.length === 2 && found.every((row) => row.status !== 'PENDING' && row.status !== 'DELIVERING'),
    );
    expect(rows.map((row) => `${row.system}:${row.status}`).sort()).toEqual(['identity:DELIVERED', 'mailchimp:DELIVERED']);
    expect(mailchimp.writes().length).toBeGreaterThan(0);
  });
});
