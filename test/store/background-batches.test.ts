import { BackgroundBatches } from '../../src/store/background-batches';

describe('BackgroundBatches', () => {
  it('writes after the caller moved on, and items queued during a write go together in the next one', async () => {
    const deletes: string[][] = [];
    let release: () => void = () => undefined;
    const clearer = new BackgroundBatches<string>(async (ids) => {
      deletes.push(ids);
      if (deletes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    clearer.add(['a']);
    clearer.add(['b']);
    clearer.add(['c', 'd']);
    expect(deletes).toEqual([['a']]); // the first delete is in flight; b, c, d wait for it
    release();
    await clearer.drain();
    expect(deletes).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('tells of a batch that could not be written, and drains without throwing', async () => {
    const failed: string[][] = [];
    const clearer = new BackgroundBatches<string>(() => Promise.reject(new Error('store down')), (_error, batch) => failed.push(batch));
    clearer.add(['a']);
    await expect(clearer.drain()).resolves.toBeUndefined();
    expect(failed).toEqual([['a']]);
  });

  it('with a linger, waits for more items and writes them in one batch; drain still writes everything', async () => {
    const deletes: string[][] = [];
    const clearer = new BackgroundBatches<string>(async (ids) => void deletes.push(ids), undefined, 1000, 50);
    clearer.add(['a']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    clearer.add(['b']);
    expect(deletes).toEqual([]); // still lingering
    await clearer.drain();
    expect(deletes).toEqual([['a', 'b']]);
  });
});
