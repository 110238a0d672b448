import type { Collection, Document, Filter, FindOptions, WithId } from 'mongodb';

/**
 * The most values one `$in` query carries. On the embedded store (FerretDB v1, DESIGN.md)
 * SQLite finds the documents through the index, then FerretDB checks every document it
 * got against every listed value again in Go: the cost is documents x values, so ten
 * queries of 1,000 ids are far cheaper than one of 10,000. On MongoDB it is harmless.
 */
export const MAX_IN_VALUES = 1000;

/** Batches of one read in flight at once. */
const PARALLEL_BATCHES = 2;

/**
 * The documents whose `field` (`_id`, or an indexed top-level string field) is one of
 * `values`, read as `$in` queries of at most {@link MAX_IN_VALUES} values, a few in
 * parallel. Each query's first batch holds all its matches, so each is one round trip.
 * Any order; duplicates in `values` are read once.
 */
export async function findWhereIn<T extends Document>(
  collection: Collection<T>,
  field: string,
  values: readonly string[],
  options: Pick<FindOptions, 'projection'> = {},
): Promise<WithId<T>[]> {
  const unique = [...new Set(values)];
  const batches: string[][] = [];
  for (let start = 0; start < unique.length; start += MAX_IN_VALUES) batches.push(unique.slice(start, start + MAX_IN_VALUES));
  const found: WithId<T>[] = [];
  let next = 0;
  const worker = async () => {
    for (let batch = batches[next++]; batch; batch = batches[next++]) {
      const filter = { [field]: batch.length === 1 ? batch[0] : { $in: batch } } as Filter<T>;
      // batchSize covers every match of `_id` (one per value); for other fields a getMore may follow.
      found.push(...(await collection.find(filter, { ...options, batchSize: Math.max(batch.length, 101) }).toArray()));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_BATCHES, batches.length) }, worker));
  return found;
}

/** The documents with the given `_id`s (see {@link findWhereIn}), by id; missing ids are absent. */
export async function readByIds<T extends Document & { _id: string }>(
  collection: Collection<T>,
  ids: readonly string[],
  options: Pick<FindOptions, 'projection'> = {},
): Promise<Map<string, WithId<T>>> {
  const docs = await findWhereIn(collection, '_id', ids, options);
  return new Map(docs.map((doc) => [doc._id as string, doc]));
}
