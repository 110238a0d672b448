import { MongoServerError, MongoBulkWriteError } from 'mongodb';
import type { Collection, Document, OptionalUnlessRequiredId, InsertOneResult } from 'mongodb';
import { ConflictError } from '../errors/gateway-error';

/** True when a write failed on a unique index (E11000), the store's one atomic check. */
export function isDuplicateKeyError(error: unknown): boolean {
  if (error instanceof MongoBulkWriteError) return error.writeErrors instanceof Array
    ? error.writeErrors.some((e) => e.code === 11000)
    : (error.writeErrors as { code?: number }).code === 11000;
  return error instanceof MongoServerError && error.code === 11000;
}

/**
 * Inserts a document whose unique index decides who wins; a collision becomes a
 * {@link ConflictError} naming the collection, never the driver's raw error (whose
 * message quotes the colliding value, which may be personal data).
 */
export async function insertOneOrConflict<T extends Document>(
  collection: Collection<T>,
  document: OptionalUnlessRequiredId<T>,
): Promise<InsertOneResult<T>> {
  try {
    return await collection.insertOne(document);
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    throw new ConflictError(
      `A record with the same unique key already exists in ${collection.collectionName}; re-read it instead of inserting.`,
      { cause: error, extensions: { collection: collection.collectionName } },
    );
  }
}

/** Ignores E11000 from a write whose only purpose is "make sure this exists" (or "unless a newer one is there"). */
export async function ignoringDuplicates(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}
