import { GraphCustomerDirectory } from '../../src/identity/graph-customer-directory';
import { IdentityGraph } from '../../src/identity/identity-graph';
import { IdentityResolver } from '../../src/identity/identity-resolver';
import { IdentityService } from '../../src/identity/identity-service';
import { RecordLinker } from '../../src/identity/record-linker';
import type { ConsentSummary } from '../../src/identity/consent-lister';
import { openTestStore } from '../harness/store';
import { sourceRecord } from './source-record-factory';

describe('IdentityService: candidates, manual links and unlinks (FerretDB)', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  let graph: IdentityGraph;
  let resolver: IdentityResolver;
  let service: IdentityService;
  let directory: GraphCustomerDirectory;
  const consentsByCustomer = new Map<string, ConsentSummary[]>();
  const created: string[] = [];
  const steward = { actor: 'steward-7', reason: 'checked by phone call' };

  beforeAll(async () => {
    store = await openTestStore();
    graph = new IdentityGraph({ store });
    resolver = new IdentityResolver({ graph, linker: new RecordLinker({ graph }) });
    service = new IdentityService({
      graph,
      listConsents: async (id) => consentsByCustomer.get(id) ?? [],
      onCustomersCreated: (ids) => void created.push(...ids),
    });
    directory = new GraphCustomerDirectory(graph);
  });
  afterAll(() => store.dropAndClose());

  it('after a manual link merges two customers, the old id still answers with the survivor', async () => {
    const [a, b] = await resolver.resolveRecords([
      sourceRecord('crm', 'l1', { fields: { emails: ['l1@example.com'] } }),
      sourceRecord('esp', 'l2', { fields: { emails: ['l1-other@example.com'] } }),
    ]);
    expect(a!.customerId).not.toBe(b!.customerId);
    const survivor = await service.linkRecords([{ system: 'crm', recordId: 'l1' }, { system: 'esp', recordId: 'l2' }], steward);
    const older = [a!.customerId, b!.customerId].sort()[0];
    expect(survivor).toBe(older);
    expect(await directory.resolveId(a!.customerId)).toBe(survivor);
    expect(await directory.resolveId(b!.customerId)).toBe(survivor);
    const links = (await graph.linksOfCustomers([survivor])).get(survivor)!;
    expect(links.map((link) => link._id)).toEqual(['crm:l1', 'esp:l2']);
    const redirect = await graph.redirects.findOne({ survivorId: survivor });
    expect(redirect).toMatchObject({ rule: 'manual', actor: 'steward-7', reason: 'checked by phone call' });
  });

  it('answers null for an id that was never a customer', async () => {
    expect(await directory.resolveId('cus_doesnotexist')).toBeNull();
  });

  it('after an unlink each side answers on its own, the record keeps its keys and consents are reported per side', async () => {
    const [crm] = await resolver.resolveRecords([
      sourceRecord('crm', 'u1', { fields: { emails: ['shared@example.com'], phones: ['07911 000011'] } }),
      sourceRecord('esp', 'u2', { fields: { emails: ['shared@example.com', 'own@example.com'] } }),
    ]);
    const original = crm!.customerId;
    consentsByCustomer.set(original, [
      { channel: 'EMAIL', purpose: 'MARKETING', status: 'GRANTED', contactPoint: 'Own@Example.com' },
      { channel: 'EMAIL', purpose: 'MARKETING', status: 'DENIED', contactPoint: 'shared@example.com' },
      { channel: 'SMS', purpose: 'MARKETING', status: 'GRANTED', contactPoint: null },
    ]);
    const outcome = await service.unlinkRecord({ system: 'esp', recordId: 'u2' }, steward);
    expect(outcome.originalCustomerId).toBe(original);
    expect(outcome.splitCustomerId).not.toBe(original);
    expect(created).toContain(outcome.splitCustomerId);
    expect(outcome.movedKeyKinds.sort()).toEqual(['email', 'ref']);
    expect(outcome.consents.split.map((c) => c.contactPoint)).toEqual(['Own@Example.com']);
    expect(outcome.consents.original).toHaveLength(2);

    expect(await directory.resolveId(outcome.splitCustomerId)).toBe(outcome.splitCustomerId);
    expect(await directory.resolveId(original)).toBe(original);
    const sides = await graph.linksOfCustomers([original, outcome.splitCustomerId]);
    expect(sides.get(original)!.map((link) => link._id)).toEqual(['crm:u1']);
    expect(sides.get(outcome.splitCustomerId)!.map((link) => link._id)).toEqual(['esp:u2']);
    expect(await resolver.findCustomer({ email: 'own@example.com' }, [])).toBe(outcome.splitCustomerId);
    expect(await resolver.findCustomer({ email: 'shared@example.com' }, [])).toBe(original);

    // A rerun of the backfill does not merge the pair back.
    const [again] = await resolver.resolveRecords([sourceRecord('esp', 'u2', { fields: { emails: ['shared@example.com', 'own@example.com'] } })]);
    expect(again!.customerId).toBe(outcome.splitCustomerId);
    expect(await graph.rootOf(original)).toBe(original);
  });

  it('refuses to unlink a customer\'s only record, naming the record', async () => {
    await resolver.resolveRecords([sourceRecord('crm', 'solo', { fields: { emails: ['solo@example.com'] } })]);
    await expect(service.unlinkRecord({ system: 'crm', recordId: 'solo' }, steward)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('crm/solo'),
    });
  });

  it('lists a clash as a candidate; MERGE merges the two customers, and a second different decision is a conflict', async () => {
    const [a, b] = await resolver.resolveRecords([
      sourceRecord('crm', 'ca', { fields: { emails: ['ca@example.com'] } }),
      sourceRecord('crm', 'cb', { fields: { phones: ['07911 000021'] } }),
    ]);
    await resolver.resolveRecords([sourceRecord('idp', 'cc', { fields: { emails: ['ca@example.com'], phones: ['07911 000021'] } })]);
    const open = await service.candidates('OPEN');
    const candidate = open.find((c) => c.customerIds.includes(a!.customerId) && c.customerIds.includes(b!.customerId));
    expect(candidate).toMatchObject({ status: 'OPEN', record: { system: 'idp', recordId: 'cc' } });

    const decided = await service.resolveCandidate(candidate!.id, 'MERGE', steward);
    expect(decided).toMatchObject({ status: 'MERGED', decidedBy: 'steward-7' });
    expect(await graph.rootOf(a!.customerId)).toBe(await graph.rootOf(b!.customerId));
    // The same decision again is idempotent; a different one is refused.
    await expect(service.resolveCandidate(candidate!.id, 'MERGE', steward)).resolves.toMatchObject({ status: 'MERGED' });
    await expect(service.resolveCandidate(candidate!.id, 'KEEP_SEPARATE', steward)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await service.candidates('OPEN')).some((c) => c.id === candidate!.id)).toBe(false);
  });

  it('KEEP_SEPARATE keeps the two customers apart, also when the clashing record is resolved again', async () => {
    const [a, b] = await resolver.resolveRecords([
      sourceRecord('crm', 'ka', { fields: { emails: ['ka@example.com'] } }),
      sourceRecord('crm', 'kb', { fields: { phones: ['07911 000031'] } }),
    ]);
    const clash = sourceRecord('idp', 'kc', { fields: { emails: ['ka@example.com'], phones: ['07911 000031'] } });
    await resolver.resolveRecords([clash]);
    const candidate = (await service.candidates('OPEN')).find((c) => c.record.recordId === 'kc')!;
    await service.resolveCandidate(candidate.id, 'KEEP_SEPARATE', steward);
    await resolver.resolveRecords([clash]);
    expect(await graph.rootOf(a!.customerId)).not.toBe(await graph.rootOf(b!.customerId));
    expect((await service.candidates('KEPT_SEPARATE')).map((c) => c.id)).toContain(candidate.id);
  });

  it('rejects a manual action without an actor or reason', async () => {
    await expect(service.linkRecords([{ system: 'crm', recordId: 'x' }, { system: 'crm', recordId: 'y' }], { actor: '', reason: 'r' }))
      .rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
