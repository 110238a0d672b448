import type { IndexSpecification, CreateIndexesOptions } from 'mongodb';

/**
 * Every collection the gateway uses, and its indexes. The store creates them at
 * start (idempotently); `/readyz` is green only once they are in place.
 *
 * Only what both FerretDB v1 and MongoDB 6+ serve: plain and compound indexes,
 * `unique` (the one atomic primitive, DESIGN.md). No TTL, no partial indexes.
 */
export const collectionNames = Object.freeze({
  /** Scratch documents that prove the store answers writes (readiness, tests). */
  storeProbe: 'store_probe',

  // --- consent (src/consent owns every read and write of these) ---------------

  // --- identity (src/identity) ------------------------------------------------

  // --- sources and sync (src/adapters, src/identity/backfill) -----------------
} as const);

/** A collection's name, as listed in {@link collectionNames}. */
export type CollectionName = (typeof collectionNames)[keyof typeof collectionNames];

/** One index to create at start. */
export interface IndexDefinition {
  readonly collection: CollectionName;
  readonly key: IndexSpecification;
  readonly options: CreateIndexesOptions & { name: string };
}

/** The indexes, by collection. Names are explicit so that a changed key is a new index. */
export const indexDefinitions: readonly IndexDefinition[] = Object.freeze([
  { collection: collectionNames.storeProbe, key: { probeKey: 1 }, options: { name: 'probeKey_unique', unique: true } },

  // --- consent ----------------------------------------------------------------

  // --- identity ---------------------------------------------------------------

  // --- sources and sync -------------------------------------------------------
]);
