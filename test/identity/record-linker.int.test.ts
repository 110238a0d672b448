import { IdentityGraph } from '../../src/identity/identity-graph';
import { RecordLinker } from '../../src/identity/record-linker';
import { IdentityResolver } from '../../src/identity/identity-resolver';
import { openTestStore } from '../harness/store';
import { sourceRecord } from './source-record-factory';

describe('RecordLinker and IdentityResolver.resolveRecords (FerretDB)', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let graph: IdentityGraph;
  let resolver: IdentityResolver;
  const created: string[] = [];

  beforeAll(async () => {
    store = await openTestStore();
    graph = new IdentityGraph({ store });
    resolver = new IdentityResolver({ graph, linker: new RecordLinker({ graph }), onCustomersCreated: (ids) => void created.push(...ids) });
  });
  afterAll(() => store.dropAndClose());

  it('creates one customer for a new record and changes nothing when the record is resolved again', async () => {
    const record = sourceRecord('crm', 'r1', { fields: { emails: ['one@example.com'] } });
    const [first] = await resolver.resolveRecords([record]);
    const [second] = await resolver.resolveRecords([record]);
    expect(first!.createdCustomerId).toBe(first!.customerId);
    expect(second!.customerId).toBe(first!.customerId);
    expect(second!.createdCustomerId).toBeUndefined();
    expect(created).toContain(first!.customerId);
    expect(await graph.customers.countDocuments({ _id: first!.customerId })).toBe(1);
    const link = await graph.links.findOne({ _id: 'crm:r1' });
    expect(link).toMatchObject({ customerId: first!.customerId, rule: 'new-record', manual: false });
  });

  it('links records whose emails and phones differ only in formatting to one customer, recording the matching rule', async () => {
    const [crm, esp, idp] = await resolver.resolveRecords([
      sourceRecord('crm', 'r2', { fields: { emails: ['  Two@Example.COM'], phones: ['07911 123456'] } }),
      sourceRecord('esp', 'm2', { fields: { emails: ['two@example.com'] } }),
      sourceRecord('idp', 'u2', { fields: { phones: ['+44 7911 123456'] } }),
    ]);
    expect(new Set([crm!.customerId, esp!.customerId, idp!.customerId]).size).toBe(1);
    expect(await graph.links.findOne({ _id: 'esp:m2' })).toMatchObject({ rule: 'email-exact', matchedKeys: ['email:two@example.com'] });
    expect(await graph.links.findOne({ _id: 'idp:u2' })).toMatchObject({ rule: 'phone-exact' });
  });

  it('links a record to the customer of the record that cross-references it', async () => {
    const [crm] = await resolver.resolveRecords([
      sourceRecord('crm', 'r3', { fields: { emails: ['three@example.com'] }, crossReferences: [{ system: 'idp', recordId: 'u3' }] }),
    ]);
    const [idp] = await resolver.resolveRecords([sourceRecord('idp', 'u3', { fields: { emails: ['other@example.com'] } })]);
    expect(idp!.customerId).toBe(crm!.customerId);
    expect(await graph.links.findOne({ _id: 'idp:u3' })).toMatchObject({ rule: 'cross-reference' });
  });

  it('records a clash (email says A, phone says B) as a candidate instead of merging', async () => {
    const [a, b] = await resolver.resolveRecords([
      sourceRecord('crm', 'a4', { fields: { emails: ['a4@example.com'], phones: ['07911 000004'] } }),
      sourceRecord('crm', 'b4', { fields: { emails: ['b4@example.com'], phones: ['07911 100004'] } }),
    ]);
    expect(a!.customerId).not.toBe(b!.customerId);
    const [clash] = await resolver.resolveRecords([
      sourceRecord('esp', 'c4', { fields: { emails: ['a4@example.com'], phones: ['07911 100004'] } }),
    ]);
    expect(clash!.customerId).toBe(a!.customerId); // the stronger rule (email) decides where the record goes
    expect(clash!.candidatesRecorded).toBe(1);
    expect(await graph.rootOf(b!.customerId)).toBe(b!.customerId); // not merged
    const candidate = await graph.candidates.findOne({ customerIds: { $all: [a!.customerId, b!.customerId] } });
    expect(candidate).toMatchObject({ status: 'OPEN', system: 'esp', recordId: 'c4', clashingKeys: ['phone'] });
    // Resolving the same record again records nothing new.
    const [again] = await resolver.resolveRecords([sourceRecord('esp', 'c4', { fields: { emails: ['a4@example.com'], phones: ['07911 100004'] } })]);
    expect(again!.candidatesRecorded).toBe(0);
  });

  it('links the records of one person resolved concurrently in one process to one customer', async () => {
    const linker = new RecordLinker({ graph });
    const records = [
      sourceRecord('crm', 'r5', { fields: { emails: ['five@example.com'], phones: ['07911 000005'] } }),
      sourceRecord('esp', 'm5', { fields: { emails: ['five@example.com'] } }),
      sourceRecord('idp', 'u5', { fields: { emails: ['FIVE@example.com'], phones: ['07911 000005'] } }),
    ];
    // Bypass resolveRecords' grouping on purpose: every record races every other.
    const outcomes = await Promise.all([...records, ...records].map((record) => linker.link(record)));
    const roots = await graph.rootsOf(outcomes.map((outcome) => outcome.customerId));
    expect(new Set(roots.values()).size).toBe(1);
    const links = await graph.links.find({ _id: { $in: ['crm:r5', 'esp:m5', 'idp:u5'] } }).toArray();
    expect(new Set((await graph.rootsOf(links.map((link) => link.customerId))).values()).size).toBe(1);
  });
});
