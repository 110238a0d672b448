import { collectionNames } from '../../src/store/collections';
import { insertOneOrConflict } from '../../src/store/duplicate-key';
import { ConflictError } from '../../src/errors/gateway-error';
import { ErrorCode } from '../../src/errors/error-codes';
import { openTestStore } from '../harness/store';

describe('MongoStore against the real MongoDB-wire server', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.dropAndClose());

  it('writes a document and reads it back through the driver', async () => {
    const probes = store.collection<{ probeKey: string; note: string }>(collectionNames.storeProbe);
    await probes.insertOne({ probeKey: 'write-read', note: 'hello' });
    expect(await probes.findOne({ probeKey: 'write-read' }, { projection: { _id: 0 } })).toEqual({
      probeKey: 'write-read',
      note: 'hello',
    });
  });

  it('surfaces a duplicate key on a unique index as the documented CONFLICT code', async () => {
    const probes = store.collection<{ probeKey: string }>(collectionNames.storeProbe);
    await insertOneOrConflict(probes, { probeKey: 'only-once' });
    const second = insertOneOrConflict(probes, { probeKey: 'only-once' });
    await expect(second).rejects.toBeInstanceOf(ConflictError);
    await expect(insertOneOrConflict(probes, { probeKey: 'only-once' })).rejects.toMatchObject({
      extensions: { code: ErrorCode.CONFLICT, collection: 'store_probe' },
    });
    expect(await probes.countDocuments({ probeKey: 'only-once' })).toBe(1);
  });

  it('creates its indexes idempotently, as every process does at start', async () => {
    await store.ensureIndexes();
    await store.ensureIndexes();
    const names = (await store.collection(collectionNames.storeProbe).listIndexes().toArray()).map((index) => index.name);
    expect(names).toEqual(expect.arrayContaining(['_id_', 'probeKey_unique']));
    expect(store.hasIndexes).toBe(true);
  });

  it('knows which server it talks to', async () => {
    const kind = await store.serverKind();
    expect(kind).toBe(process.env.GATEWAY_TEST_STORE === 'embedded' ? 'ferretdb' : kind);
    expect(['ferretdb', 'mongodb']).toContain(kind);
  });
});
