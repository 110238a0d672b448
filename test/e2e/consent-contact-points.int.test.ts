import type { CommandStartedEvent } from 'mongodb';
import { ConsentService } from '../../src/consent/consent-service';
import { createCustomerServices, type CustomerServices } from '../../src/profile/create-customer-services';
import { collectionNames } from '../../src/store/collections';
import { openTestStore } from '../harness/store';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { sourceRecord } from '../identity/source-record-factory';

const eligibilityQuery = `query ($ids: [ID!]!, $channel: String!, $purpose: String!, $contactPoint: String) {
  contactEligibility(customerIds: $ids, channel: $channel, purpose: $purpose, contactPoint: $contactPoint) { customerId allowed reason } }`;
const channelQuery = `query ($ids: [ID!]!, $channel: String!, $purpose: String!) {
  contactEligibility(customerIds: $ids, channel: $channel, purpose: $purpose) { customerId allowed reason excludedContactPoints } }`;
const record = `mutation ($changes: [ConsentChangeInput!]!) { recordConsent(changes: $changes) { error { code message } } }`;

interface Answer {
  customerId: string;
  allowed: boolean;
  reason: string;
  excludedContactPoints?: string[] | null;
}

describe('contactEligibility for contact points, against the identity graph', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let customers: CustomerServices;
  let running: RunningGateway;
  const commands: CommandStartedEvent[] = [];
  let jane = '';
  let omar = '';

  const ask = async (ids: string[], channel: string, contactPoint: string, purpose = 'MARKETING') => {
    const response = await running.graphql<{ contactEligibility: Answer[] }>(eligibilityQuery, { ids, channel, purpose, contactPoint });
    expect(response.errors).toBeUndefined();
    return response.data!.contactEligibility;
  };

  beforeAll(async () => {
    store = await openTestStore({ onCommand: () => undefined }); // turns the driver's command monitoring on
    store.client.on('commandStarted', (event) => commands.push(event));
    // The two services refer to each other, as in composeServices.
    customers = createCustomerServices({ store, adapters: [], onCustomersCreated: (ids) => consent.registerCustomers(ids) });
    const consent = new ConsentService({ store, directory: customers.directory });
    running = await startTestGateway(store, { consent });
    const [janeRecord, omarRecord] = await customers.resolver.resolveRecords([
      sourceRecord('crm', 'jane-1', { fields: { emails: ['Jane@Example.com', 'jane.work@example.com'], phones: ['07911 123456'] } }),
      sourceRecord('crm', 'omar-1', { fields: { emails: ['omar@example.com'], phones: ['+44 7911 765432'] } }),
    ]);
    jane = janeRecord!.customerId;
    omar = omarRecord!.customerId;
    const hour = 3600_000;
    const change = (customerId: string, channel: string, status: string, hoursAgo: number, contactPoint?: string) => ({
      customerId,
      channel,
      purpose: 'MARKETING',
      contactPoint,
      status,
      capturedAt: new Date(Date.now() - hoursAgo * hour).toISOString(),
      source: { system: 'web', recordId: `form-${customerId}` },
      actor: { kind: 'CUSTOMER', id: customerId },
      method: 'WEB_FORM',
    });
    const recorded = await running.graphql<{ recordConsent: { error: unknown }[] }>(record, {
      changes: [
        change(jane, 'EMAIL', 'GRANTED', 1),
        change(jane, 'EMAIL', 'DENIED', 2, '  JANE.Work@example.com'), // captured before the channel-wide grant: still wins
        change(jane, 'SMS', 'GRANTED', 3, '0044 7911 123456'),
        change(jane, 'SMS', 'DENIED', 2),
        change(omar, 'EMAIL', 'GRANTED', 1),
      ],
    });
    expect(recorded.data!.recordConsent.map((result) => result.error)).toEqual([null, null, null, null, null]);
  });
  afterAll(async () => {
    await running.stop();
    await store.dropAndClose();
  });

  it('never allows a contact point the customer does not hold, even with a channel-wide grant (UNKNOWN_CONTACT_POINT)', async () => {
    expect(await ask([jane, omar], 'EMAIL', 'omar@example.com')).toEqual([
      { customerId: jane, allowed: false, reason: 'UNKNOWN_CONTACT_POINT' },
      { customerId: omar, allowed: true, reason: 'GRANTED' },
    ]);
    expect(await ask([jane, omar], 'EMAIL', 'stranger@example.com')).toEqual([
      { customerId: jane, allowed: false, reason: 'UNKNOWN_CONTACT_POINT' },
      { customerId: omar, allowed: false, reason: 'UNKNOWN_CONTACT_POINT' },
    ]);
    expect(await ask([jane], 'SMS', '+44 7911 765432')).toEqual([{ customerId: jane, allowed: false, reason: 'UNKNOWN_CONTACT_POINT' }]);
  });

  it('lets the contact-point consent beat the channel-wide one, for emails and phones in any spelling', async () => {
    for (const spelling of ['jane@example.com', ' JANE@Example.COM ']) {
      expect(await ask([jane], 'EMAIL', spelling)).toEqual([{ customerId: jane, allowed: true, reason: 'GRANTED' }]);
    }
    expect(await ask([jane], 'EMAIL', 'Jane.Work@Example.com')).toEqual([{ customerId: jane, allowed: false, reason: 'DENIED' }]);
    for (const spelling of ['+447911123456', '+44 7911 123456', '0044 7911 123456', '+44 (0)7911-123-456']) {
      expect(await ask([jane], 'SMS', spelling)).toEqual([{ customerId: jane, allowed: true, reason: 'GRANTED' }]);
    }
    // Held in the identity graph (a national number in the CRM), no PHONE consent at all: known, so NO_CONSENT.
    expect(await ask([jane], 'PHONE', '+44 7911 123456')).toEqual([{ customerId: jane, allowed: false, reason: 'NO_CONSENT' }]);
    expect(await ask([omar], 'SMS', '+44 7911 765432')).toEqual([{ customerId: omar, allowed: false, reason: 'NO_CONSENT' }]);
  });

  it('answers a question without a contact point for the channel and lists the contact points excluded', async () => {
    const response = await running.graphql<{ contactEligibility: Answer[] }>(channelQuery, { ids: [jane, omar, 'nobody'], channel: 'EMAIL', purpose: 'MARKETING' });
    expect(response.data!.contactEligibility).toEqual([
      { customerId: jane, allowed: true, reason: 'GRANTED', excludedContactPoints: ['jane.work@example.com'] },
      { customerId: omar, allowed: true, reason: 'GRANTED', excludedContactPoints: [] },
      { customerId: 'nobody', allowed: false, reason: 'UNKNOWN_CUSTOMER', excludedContactPoints: [] },
    ]);
    const sms = await running.graphql<{ contactEligibility: Answer[] }>(channelQuery, { ids: [jane], channel: 'SMS', purpose: 'MARKETING' });
    expect(sms.data!.contactEligibility).toEqual([{ customerId: jane, allowed: false, reason: 'DENIED', excludedContactPoints: [] }]);
  });

  it('answers 10,000 ids in 13 store round trips with an email contact point and 10 without', async () => {
    const ids = [jane, omar, ...Array.from({ length: 9_998 }, (_, i) => `unknown-${i}`)];
    commands.length = 0;
    const answers = await ask(ids, 'EMAIL', 'Omar@example.com');
    // (The access record of the contact points returned is written after the answer; it is access's, not eligibility's.)
    const sent = commands.filter((event) => !String(event.command[event.commandName]).startsWith('access_')).map((event) => `${event.commandName} ${event.command[event.commandName]}`);
    expect(sent.sort()).toEqual([
      `find ${collectionNames.identityKeys}`, // the key's claim, by _id
      `find ${collectionNames.identityRedirects}`, // its holder's survivor (never merged: one read)
      `find ${collectionNames.identityRedirects}`, // the ids merged into that survivor (none: one read)
      ...Array.from({ length: 10 }, () => `find ${collectionNames.consentState}`), // the states, 1,000 ids a read
    ].sort());
    expect(answers.slice(0, 3)).toEqual([
      { customerId: jane, allowed: false, reason: 'UNKNOWN_CONTACT_POINT' },
      { customerId: omar, allowed: true, reason: 'GRANTED' },
      { customerId: 'unknown-0', allowed: false, reason: 'UNKNOWN_CUSTOMER' },
    ]);

    commands.length = 0;
    const channelWide = await running.graphql<{ contactEligibility: Answer[] }>(channelQuery, { ids, channel: 'EMAIL', purpose: 'MARKETING' });
    expect(channelWide.errors).toBeUndefined();
    expect(commands.filter((event) => !String(event.command[event.commandName]).startsWith('access_')).map((event) => `${event.commandName} ${event.command[event.commandName]}`)).toEqual(
      Array.from({ length: 10 }, () => `find ${collectionNames.consentState}`),
    );
  });

  it('keeps contact points out of the error of a malformed one', async () => {
    const response = await running.graphql(eligibilityQuery, { ids: [jane], channel: 'SMS', purpose: 'MARKETING', contactPoint: '07911 123456' });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(response)).not.toContain('07911');
  });
});
