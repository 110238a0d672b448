import { isDuplicateKeyError } from './duplicate-key';

/** Inserts documents unordered, in batches; answers the ids that collided with existing ones. */
export async function insertAll<T extends { _id: string }>(collection: { insertMany(docs: T[], options: { ordered: false }): Promise<unknown> }, docs: T[]): Promise<string[]> {
  const collided: string[] = [];
  for (let start = 0; start < docs.length; start += 1000) {
    const batch = docs.slice(start, start + 1000);
    try {
      await collection.insertMany(batch, { ordered: false });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const writeErrors = (error as { writeErrors?: { index: number; code?: number }[] | { index: number; code?: number } }).writeErrors;
      for (const writeError of [writeErrors ?? []].flat()) {
        if (writeError.code === 11000) collided.push(batch[writeError.index]!._id);
      }
    }
  }
  return collided;
}
