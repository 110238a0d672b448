import { createAdapters } from '../../src/adapters/create-adapters';
import type { SourceAdapter } from '../../src/adapters/source-adapter';
import { systemsConfigFromDescriptors } from '../../src/adapters/systems-config-from-descriptors';
import { createCustomerServices, type CustomerServices } from '../../src/profile/create-customer-services';
import type { RunningSimulator } from '../../simulators/simulator';
import { startTestGateway, type RunningGateway } from '../harness/gateway';
import { openTestStore } from '../harness/store';
import { startTestMailchimp, startTestSalesforce, startTestScim, testPopulation } from '../harness/simulators';

interface Customer {
  id: string;
  name: { full: string } | null;
  sourceRecords: { system: string; recordId: string }[];
}

const CUSTOMER = 'id name { full } sourceRecords { system recordId }';

describe('identity graph over GraphQL: manual links, unlinks, candidates, search', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let simulators: RunningSimulator[];
  let adapters: SourceAdapter[];
  let customers: CustomerServices;
  let gateway: RunningGateway;
  const inAllThree = testPopulation().people.filter((person) => person.records.length === 3);
  const [alice, bob, carol] = inAllThree as [(typeof inAllThree)[0], (typeof inAllThree)[0], (typeof inAllThree)[0]];
  const sfRecordOf = (person: typeof alice) => person.records.find((record) => record.system === 'salesforce')!;

  beforeAll(async () => {
    store = await openTestStore();
    simulators = await Promise.all([startTestSalesforce(), startTestMailchimp(), startTestScim()]);
    adapters = createAdapters(systemsConfigFromDescriptors(simulators.map((simulator) => simulator.descriptor)));
    customers = createCustomerServices({ store, adapters });
    gateway = await startTestGateway(store, { profiles: customers.profiles, identity: customers.identity, customerSearch: customers.customerSearch });
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all(adapters.map((adapter) => adapter.close()));
    await Promise.all(simulators.map((simulator) => simulator.stop()));
    await store.dropAndClose();
  });

  const byId = async (id: string) =>
    (await gateway.graphql<{ customer: Customer | null }>(`query($id: ID!) { customer(by: { id: $id }) { ${CUSTOMER} } }`, { id })).data!.customer;
  const byEmail = async (email: string) =>
    (await gateway.graphql<{ customer: Customer | null }>(`query($email: String!) { customer(by: { email: $email }) { ${CUSTOMER} } }`, { email })).data!
      .customer!;

  it('after a manual link merges two customers, the old id still answers with the survivor; an unlink undoes the merge and each side answers on its own again', async () => {
    const a = await byEmail(alice.emails[0]!);
    const b = await byEmail(bob.emails[0]!);
    expect(a.id).not.toBe(b.id);
    const linked = await gateway.graphqlAs<{ linkRecords: Customer }>(
      'data-steward',
      `mutation($records: [SourceRecordInput!]!) @purpose(reason: "steward review") { linkRecords(records: $records, reason: "same person, confirmed on a call") { ${CUSTOMER} } }`,
      { records: [sfRecordOf(alice), sfRecordOf(bob)] },
    );
    expect(linked.errors).toBeUndefined();
    const survivor = linked.data!.linkRecords;
    const loser = survivor.id === a.id ? b.id : a.id;
    expect(survivor.sourceRecords).toHaveLength(6);
    const viaOldId = await byId(loser);
    expect(viaOldId!.id).toBe(survivor.id);
    expect(viaOldId!.sourceRecords).toHaveLength(6);

    const unlinked = await gateway.graphqlAs<{ unlinkRecord: { original: Customer; split: Customer; movedKeyKinds: string[] } }>(
      'data-steward',
      `mutation($record: SourceRecordInput!) @purpose(reason: "steward review") { unlinkRecord(record: $record, reason: "linked by mistake") {
         original { ${CUSTOMER} } split { ${CUSTOMER} } movedKeyKinds consents { original { channel } split { channel } } } }`,
      { record: sfRecordOf(bob) },
    );
    expect(unlinked.errors).toBeUndefined();
    const { original, split } = unlinked.data!.unlinkRecord;
    expect(original.id).toBe(survivor.id);
    expect(split.id).toBe(loser);
    expect(split.sourceRecords).toHaveLength(3);
    expect(original.sourceRecords).toHaveLength(3);
    expect((await byEmail(bob.emails[0]!)).id).toBe(b.id);
    expect((await byEmail(alice.emails[0]!)).id).toBe(a.id);
    const bobsSide = a.id === survivor.id ? split : original;
    expect(bobsSide.sourceRecords.map((r) => r.recordId)).toContain(sfRecordOf(bob).recordId);
  });

  it('refuses a link without a reason, with BAD_USER_INPUT naming the argument', async () => {
    const { errors } = await gateway.graphql(
      `mutation($records: [SourceRecordInput!]!) { linkRecords(records: $records, reason: " ") { id } }`,
      { records: [sfRecordOf(alice), sfRecordOf(carol)] },
    );
    expect(errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('`reason`') });
  });

  it('answers an empty id with BAD_USER_INPUT naming `by.id`', async () => {
    const { data, errors } = await gateway.graphql<{ customer: Customer | null }>('{ customer(by: { id: "" }) { id } }');
    expect(data!.customer).toBeNull();
    expect(errors![0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('`by.id`') });
  });

  it('lists a clash as a candidate and lets a steward merge it', async () => {
    const c = await byEmail(carol.emails[0]!);
    // A record whose email says Carol and whose phone says Alice's cluster.
    const alicePhone = alice.phones[0]!;
    await customers.resolver.resolveRecords([
      { system: 'salesforce', recordId: 'clash-1', updatedAt: new Date(), fields: { emails: [carol.emails[0]!], phones: [alicePhone] }, consentFlags: [], crossReferences: [] },
    ]);
    const listed = await gateway.graphql<{ identityCandidates: { id: string; customerIds: string[]; clashingKeys: string[]; record: { recordId: string } }[] }>(
      `{ identityCandidates { id customerIds clashingKeys record { system recordId } } }`,
    );
    const candidate = listed.data!.identityCandidates.find((x) => x.record.recordId === 'clash-1')!;
    expect(candidate.customerIds).toContain(c.id);
    expect(candidate.clashingKeys).toEqual(['phone']);
    const decided = await gateway.graphqlAs<{ resolveCandidate: { status: string; decidedBy: string } }>(
      'data-steward',
      `mutation($id: ID!) @purpose(reason: "steward review") { resolveCandidate(id: $id, decision: MERGE, reason: "household check") { status decidedBy } }`,
      { id: candidate.id },
    );
    // The decision is recorded as the steward's, taken from the credential (no `actor` argument to claim another).
    expect(decided.data!.resolveCandidate).toEqual({ status: 'MERGED', decidedBy: await gateway.principalIdOf('data-steward') });
    const [first, second] = candidate.customerIds as [string, string];
    expect((await byId(first))!.id).toBe((await byId(second))!.id);
  });

  it('searches by name prefix, email and phone as a Relay connection', async () => {
    const alicesCustomer = await byEmail(alice.emails[0]!);
    const prefix = `${alice.givenName} ${alice.familyName.slice(0, 2)}`;
    const page = await gateway.graphql<{ searchCustomers: { edges: { cursor: string; node: Customer }[]; pageInfo: { hasNextPage: boolean } } }>(
      `query($q: String!) { searchCustomers(query: $q, first: 5) { edges { cursor node { id name { full } } } pageInfo { hasNextPage endCursor } } }`,
      { q: prefix.toUpperCase() },
    );
    expect(page.errors).toBeUndefined();
    expect(page.data!.searchCustomers.edges.map((edge) => edge.node.id)).toContain((await byId(alicesCustomer.id))!.id);
    const exact = await gateway.graphql<{ searchCustomers: { edges: { node: { id: string } }[] } }>(
      `query($q: String!) { searchCustomers(query: $q) { edges { node { id } } } }`,
      { q: ` ${alice.emails[0]!.toUpperCase()}` },
    );
    expect(exact.data!.searchCustomers.edges.map((edge) => edge.node.id)).toEqual([(await byId(alicesCustomer.id))!.id]);
    const tooShort = await gateway.graphql(`{ searchCustomers(query: "a") { edges { cursor } } }`);
    expect(tooShort.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('says why each result matched, and answers a made-up cursor with BAD_USER_INPUT', async () => {
    const aliceId = (await byEmail(alice.emails[0]!)).id;
    const localPart = alice.emails[0]!.trim().split('@')[0]!;
    const search = `query($q: String!, $after: String) { searchCustomers(query: $q, first: 5, after: $after) { edges { cursor matchedOn node { id } } } }`;
    const page = await gateway.graphql<{ searchCustomers: { edges: { cursor: string; matchedOn: string[]; node: { id: string } }[] } }>(search, { q: localPart });
    expect(page.errors).toBeUndefined();
    const edge = page.data!.searchCustomers.edges.find((candidate) => candidate.node.id === aliceId);
    expect(edge?.matchedOn).toEqual(['EMAIL_LOCAL_PART']);
    expect(Buffer.from(edge!.cursor, 'base64url').toString('latin1')).not.toContain(localPart);
    const madeUp = await gateway.graphql(search, { q: localPart, after: Buffer.from(`${localPart}|salesforce:1`).toString('base64url') });
    expect(madeUp.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('pages a name search with cursors, never repeating a customer', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pageNo = 0; pageNo < 20; pageNo++) {
      const result: { data?: { searchCustomers: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } } =
        await gateway.graphql(`query($after: String) { searchCustomers(query: "${alice.givenName.slice(0, 2)}", first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`, { after });
      const connection = result.data!.searchCustomers;
      seen.push(...connection.edges.map((edge) => edge.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
