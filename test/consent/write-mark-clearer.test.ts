import { WriteMarkClearer } from '../../src/consent/write-mark-clearer';

describe('WriteMarkClearer', () => {
  it('clears marks after the caller moved on, and those queued during a delete go together in the next one', async () => {
    const deletes: string[][] = [];
    let release: () => void = () => undefined;
    const clearer = new WriteMarkClearer(async (ids) => {
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

  it('leaves marks whose delete failed to the sweeper, and drains without throwing', async () => {
    const clearer = new WriteMarkClearer(() => Promise.reject(new Error('store down')));
    clearer.add(['a']);
    await expect(clearer.drain()).resolves.toBeUndefined();
  });
});
