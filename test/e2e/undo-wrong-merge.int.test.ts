import { createAdapters } from '../../src/adapters/create-adapters';
import type { SourceAdapter } from '../../src/adapters/source-adapter';
import { systemsConfigFromDescriptors } from '../../src/adapters/systems-config-from-descriptors';
import { composeServices, type ComposedServices } from '../../src/compose-services';
import type { RunningSimulator } from '../../simulators/simulator';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { openTestStore } from '../harness/store';
import { startTestMailchimp, startTestSalesforce, startTestScim, testPopulation } from '../harness/simulators';

interface Customer {
  id: string;
  sourceRecords: { system: string; recordId: string }[];
}

type Person = ReturnType<typeof testPopulation>['people'][number];

describe('a wrong merge undone by an unlink restores both people exactly as before', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let simulators: RunningSimulator[];
  let adapters: SourceAdapter[];
  let composed: ComposedServices;
  let gateway: RunningGateway;
  const inAllThree = testPopulation().people.filter((person) => person.records.length === 3 && person.phones.length > 0);
  const recordOf = (person: Person, system: string) => person.records.find((record) => record.system === system)!;

  beforeAll(async () => {
    store = await openTestStore();
    simulators = await Promise.all([startTestSalesforce(), startTestMailchimp(), startTestScim()]);
    adapters = createAdapters(systemsConfigFromDescriptors(simulators.map((simulator) => simulator.descriptor)));
    composed = composeServices({ store, adapters });
    gateway = await startTestGateway(store, composed.services);
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all(adapters.map((adapter) => adapter.close()));
    await Promise.all(simulators.map((simulator) => simulator.stop()));
    await store.dropAndClose();
  });

  const ok = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const { data, errors } = await gateway.graphql<T>(query, variables);
    expect(errors).toBeUndefined();
    return data!;
  };
  const lookUp = async (by: Record<string, string>) =>
    (await ok<{ customer: Customer }>('query($by: CustomerBy!) { customer(by: $by) { id sourceRecords { system recordId } } }', { by })).customer;
  const grantEmail = (customerId: string, key: string) =>
    ok('mutation($changes: [ConsentChangeInput!]!) { recordConsent(changes: $changes) { customerId error { message } } }', {
      changes: [
        {
          customerId,
          channel: 'EMAIL',
          purpose: 'MARKETING',
          status: 'GRANTED',
          capturedAt: new Date().toISOString(),
          method: 'WEB_FORM',
          idempotencyKey: key,
          source: { system: 'preference-centre', recordId: `form-${key}` },
          actor: { kind: 'CUSTOMER', id: 'self' },
        },
      ],
    });
  const history = async (customerId: string) =>
    (
      await ok<{ consentHistory: { edges: { node: { id: string } }[] } }>(
        'query($id: ID!) { consentHistory(customerId: $id) { edges { node { id } } } }',
        { id: customerId },
      )
    ).consentHistory.edges.map((edge) => edge.node.id);

  /** Everything a person is: the id each key finds, the records, the key claims and the consent log. */
  const snapshot = async (person: Person) => {
    const byEmail = await lookUp({ email: person.emails[0]! });
    const byPhone = await lookUp({ phone: person.phones[0]! });
    const bySource = await lookUp({ source: recordOf(person, 'mailchimp') } as never);
    const keys = await composed.customers.graph.keys.find({ customerId: byEmail.id }).sort({ _id: 1 }).toArray();
    return {
      ids: [byEmail.id, byPhone.id, bySource.id],
      records: [...byEmail.sourceRecords].sort((a, b) => a.recordId.localeCompare(b.recordId)),
      keys: keys.map((key) => key._id),
      consents: await history(byEmail.id),
    };
  };

  it('link two different people, record consents, unlink: every id, record, key and history as before; what happened while merged is listed', async () => {
    const [alice, bob] = inAllThree as [Person, Person];
    const aliceId = (await lookUp({ email: alice.emails[0]! })).id;
    const bobId = (await lookUp({ email: bob.emails[0]! })).id;
    await grantEmail(aliceId, 'alice-before');
    await grantEmail(bobId, 'bob-before');
    const before = { alice: await snapshot(alice), bob: await snapshot(bob) };
    expect(before.alice.ids).toEqual([aliceId, aliceId, aliceId]);
    expect(before.alice.keys.length).toBeGreaterThan(0);

    const { linkRecords } = await ok<{ linkRecords: Customer }>(
      'mutation($records: [SourceRecordInput!]!) { linkRecords(records: $records, reason: "same person, I think") { id sourceRecords { recordId } } }',
      { records: [recordOf(alice, 'salesforce'), recordOf(bob, 'salesforce')] },
    );
    expect(linkRecords.sourceRecords).toHaveLength(6);
    const survivor = linkRecords.id;
    await grantEmail(survivor, 'while-merged');

    const { unlinkRecord } = await ok<{ unlinkRecord: { original: { id: string }; split: { id: string }; undoneMerge: boolean; toReview: { records: unknown[]; consentEvents: { eventId: string; channel: string }[] } } }>(
      `mutation($record: SourceRecordInput!) { unlinkRecord(record: $record, reason: "two different people") {
         original { id } split { id } undoneMerge toReview { records { system recordId } consentEvents { eventId channel } } } }`,
      { record: recordOf(bob, 'salesforce') },
    );
    expect(unlinkRecord.undoneMerge).toBe(true);
    expect([unlinkRecord.original.id, unlinkRecord.split.id].sort()).toEqual([aliceId, bobId].sort());
    expect(unlinkRecord.toReview.records).toEqual([]);
    expect(unlinkRecord.toReview.consentEvents).toHaveLength(1);

    const after = { alice: await snapshot(alice), bob: await snapshot(bob) };
    const survivorPerson = survivor === aliceId ? 'alice' : 'bob';
    const otherPerson = survivorPerson === 'alice' ? 'bob' : 'alice';
    // The merged-away person is exactly as before; the survivor too, plus the event recorded while merged (listed for review).
    expect(after[otherPerson]).toEqual(before[otherPerson]);
    expect({ ...after[survivorPerson], consents: after[survivorPerson].consents.slice(1) }).toEqual(before[survivorPerson]);
    expect(after[survivorPerson].consents[0]).toBe(unlinkRecord.toReview.consentEvents[0]!.eventId);
    expect(await composed.customers.graph.redirects.countDocuments({ _id: { $in: [aliceId, bobId] } })).toBe(0);

    const { identityHistory } = await ok<{ identityHistory: { type: string; actor: string | null; reason: string | null; undoneMerge: { restoredId: string } | null }[] }>(
      'query($id: ID!) { identityHistory(customerId: $id) { type actor reason at undoneMerge { restoredId mergedBy } } }',
      { id: unlinkRecord.split.id },
    );
    // The harness sends every request here as an admin: the admin's key is the recorded actor of both.
    const admin = await gateway.principalIdOf('admin');
    expect(identityHistory[0]).toMatchObject({ type: 'UNLINK', actor: admin, reason: 'two different people', undoneMerge: { restoredId: unlinkRecord.split.id } });
    expect(identityHistory.some((event) => event.type === 'MERGE' && event.actor === admin && event.reason === 'same person, I think')).toBe(true);
  });

  it('undoes the merge whichever of the two linked records is named (the survivor\'s own record too)', async () => {
    const [, , carol, dave] = inAllThree as [Person, Person, Person, Person];
    const before = { carol: await snapshot(carol), dave: await snapshot(dave) };
    const { linkRecords } = await ok<{ linkRecords: Customer }>(
      'mutation($records: [SourceRecordInput!]!) { linkRecords(records: $records, reason: "duplicate") { id } }',
      { records: [recordOf(carol, 'identity'), recordOf(dave, 'identity')] },
    );
    const survivorRecord = linkRecords.id === before.carol.ids[0] ? recordOf(carol, 'mailchimp') : recordOf(dave, 'mailchimp');
    const { unlinkRecord } = await ok<{ unlinkRecord: { undoneMerge: boolean } }>(
      'mutation($record: SourceRecordInput!) { unlinkRecord(record: $record, reason: "not a duplicate") { undoneMerge } }',
      { record: survivorRecord },
    );
    expect(unlinkRecord.undoneMerge).toBe(true);
    expect({ carol: await snapshot(carol), dave: await snapshot(dave) }).toEqual(before);
  });

  it('a record that rules linked is split off on its own (no person\'s merge to undo)', async () => {
    const erin = inAllThree[4]!;
    const erinId = (await lookUp({ email: erin.emails[0]! })).id;
    const { unlinkRecord } = await ok<{ unlinkRecord: { original: { id: string }; split: Customer; undoneMerge: boolean } }>(
      'mutation($record: SourceRecordInput!) { unlinkRecord(record: $record, reason: "wrong match") { original { id } split { id sourceRecords { system recordId } } undoneMerge } }',
      { record: recordOf(erin, 'mailchimp') },
    );
    expect(unlinkRecord.undoneMerge).toBe(false);
    expect(unlinkRecord.original.id).toBe(erinId);
    expect(unlinkRecord.split.sourceRecords).toEqual([recordOf(erin, 'mailchimp')]);
  });
});
