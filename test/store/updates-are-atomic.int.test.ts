import { collectionNames } from '../../src/store/collections';
import { openTestStore } from '../harness/store';

/**
 * The consent store's state writes rely on this (ConsentLogWriter): a conditional update
 * is applied to the document as it is when the update runs, never to a stale read, so
 * `{_id, seq: {$lt: n}}` can only move a state forward. MongoDB does so; the embedded
 * FerretDB does through the project's patch (as released, concurrent updates of one
 * document overwrite each other). Many updates at once, over the driver's pool of
 * connections, against the real server.
 */
describe('updates of one document at once', () => {
  let store: Awaited<ReturnType<typeof openTestStore>>;
  const probes = () => store.collection<{ _id: string; n: number; seq: number }>(collectionNames.storeProbe);

  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(() => store.dropAndClose());

  it('are each applied to the result of the others', async () => {
    await probes().insertOne({ _id: 'counter', n: 0, seq: 0 });
    await Promise.all(Array.from({ length: 200 }, () => probes().updateOne({ _id: 'counter' }, { $inc: { n: 1 } })));
    expect((await probes().findOne({ _id: 'counter' }))?.n).toBe(200);
  });

  it('leave the highest value when each moves a seq forward only', async () => {
    await probes().insertOne({ _id: 'forward', n: 0, seq: 0 });
    const values = Array.from({ length: 200 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    await Promise.all(values.map((seq) => probes().updateOne({ _id: 'forward', seq: { $lt: seq } }, { $set: { seq } })));
    expect((await probes().findOne({ _id: 'forward' }))?.seq).toBe(200);
  });

  it('are reported as atomic by the store', async () => {
    expect(await store.updatesAreAtomic()).toBe(true);
  });
});
