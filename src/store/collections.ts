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
  /** The consent log: immutable events, `_id` = `<customerId>#<seq>` (unique, with `{customerId, seq}`). */
  consentEvents: 'consent_events',
  /** Each customer's current consents and preferences, `_id` = customerId; a projection of the log. */
  consentState: 'consent_state',
  /** Consent changes still to push to each other connected system, `_id` = `<eventId>><system>`. */
  consentOutbox: 'consent_outbox',
  /** The single use of a double opt-in token, `_id` = the pending event's id (written once). */
  consentDoiUses: 'consent_doi_uses',
  /** A consent write in progress, `_id` = `<customerId>|<idempotencyKey>`; what outlives its write marks a crash for the sweeper. */
  consentPendingWrites: 'consent_pending_writes',
  /** Store-wide consent settings (the double opt-in signing secret), `_id` = setting name. */
  consentSettings: 'consent_settings',
  /** The last drift seen between a source and the store, `_id` = `<system>|<customerId>`; only customers with drift have one. */
  consentDrift: 'consent_drift',
  /** Every event once, by when it was recorded, for subscriptions in any process: `_id` = the event id, read by its time `bucket` (src/consent/consent-feed.ts). */
  consentFeed: 'consent_feed',

  // --- propagation (src/propagation) ------------------------------------------
  /** A worker's claim of one delivery attempt, `_id` = `<outbox row id>#<attempt>` (the unique insert is the lease). */
  propagationClaims: 'propagation_claims',
  /** What we learnt a system's record holds for a channel and purpose, one insert per observation, read by `flag` (`<system>|<recordId>|<channel>|<purpose>`): how an echo of our own write is told from a real change. */
  propagationTargetValues: 'propagation_target_values',
  /** A write of ours to a system's record in flight, `_id` = `<target value id>|<uuid>`, read by `flag`: its echo is no change. */
  propagationWritesInFlight: 'propagation_writes_in_flight',
  /** Each system's change-poll position, `_id` = system name. */
  propagationPollCursors: 'propagation_poll_cursors',
  /** Who polls a system in one interval, `_id` = `<system>@<interval number>` (a unique insert, so one process polls). */
  propagationPollSlots: 'propagation_poll_slots',
  /** Signed webhooks taken in, `_id` = `<system>|<webhook-id>` (a redelivery is recognised). */
  propagationWebhookIds: 'propagation_webhook_ids',
  /** Who re-queued dead deliveries, when, which filter, how many. */
  propagationReplays: 'propagation_replays',
  /** Per process, system and sampling tick: backlog, dead rows, deliveries and their lag, `_id` = `<tick ISO>:<system>:<process id>`, read by `minute`; kept a day. */
  propagationSamples: 'propagation_samples',

  // --- the systems map (src/systems-map) ---------------------------------------
  /** Each field-conflict scan's result, one document per scan, `_id` = `<scannedAt ISO>|<uuid>`; kept a day, the newest is read. */
  fieldScans: 'systems_map_field_scans',
  /** Who scans in one interval, `_id` = `field-scan@<interval number>` (a unique insert, so one process scans). */
  fieldScanSlots: 'systems_map_scan_slots',

  // --- identity (src/identity) ------------------------------------------------
  /** Golden customers, `_id` = customerId. */
  identityCustomers: 'identity_customers',
  /** A merged customer's redirect to its survivor, `_id` = the loser's id (written once). */
  identityRedirects: 'identity_redirects',
  /** Source record -> customer, `_id` = `<system>:<recordId>` (the unique claim). */
  identityLinks: 'identity_links',
  /** Normalised key -> customer, `_id` = `email:..`, `phone:..`, `ref:..` (the unique claim). */
  identityKeys: 'identity_keys',
  /** Clashes for a data steward, `_id` = the two customer ids, sorted. */
  identityCandidates: 'identity_candidates',
  /** A steward's decision on a candidate, `_id` = the candidate id (written once). */
  identityDecisions: 'identity_decisions',
  /** Name-prefix search entries, `_id` = `<token>|<system>:<recordId>`. */
  identitySearch: 'identity_search',
  /** Exact search terms (email local parts, surnames with an initial), `_id` = `<term>|<system>:<recordId>`, read by `term`. */
  identitySearchTerms: 'identity_search_terms',
  /** Identity-wide settings (the key that seals search cursors), `_id` = setting name. */
  identitySettings: 'identity_settings',
  /** Audit of manual links, unlinks, merges and decisions. */
  identityEvents: 'identity_events',
  /** The backfill's cursor per source system, `_id` = system name. */
  identitySyncCursors: 'identity_sync_cursors',

  // --- access (src/access) ----------------------------------------------------
  /** Applications' API keys, `_id` = the key id; only a hash of each secret is kept. */
  accessApiKeys: 'access_api_keys',
  /** Store-wide access settings (the preference-link signing secret), `_id` = setting name. */
  accessSettings: 'access_settings',
  /** One record per response that returned personal data, `_id` = `<time>|<uuid>` (time-ordered). */
  accessRecords: 'access_records',
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
export const indexDefinitions: readonly IndexDefinition[] = Object.freeze<IndexDefinition[]>([
  { collection: collectionNames.storeProbe, key: { probeKey: 1 }, options: { name: 'probeKey_unique', unique: true } },

  // --- consent ----------------------------------------------------------------
  // The log position and the idempotency key are the consent store's atomic claims (DESIGN.md, "Writes").
  { collection: collectionNames.consentEvents, key: { customerId: 1, seq: 1 }, options: { name: 'customerId_seq_unique', unique: true } },
  { collection: collectionNames.consentEvents, key: { idempotencyKey: 1 }, options: { name: 'idempotencyKey_unique', unique: true } },
  { collection: collectionNames.consentOutbox, key: { eventId: 1, system: 1 }, options: { name: 'eventId_system_unique', unique: true } },
  { collection: collectionNames.consentDrift, key: { system: 1 }, options: { name: 'system' } },
  // Workers find due rows by status, the ledger reads a customer's rows: both equalities reach the index on FerretDB.
  { collection: collectionNames.consentOutbox, key: { status: 1 }, options: { name: 'status' } },
  { collection: collectionNames.consentOutbox, key: { customerId: 1 }, options: { name: 'customerId' } },
  { collection: collectionNames.propagationWritesInFlight, key: { flag: 1 }, options: { name: 'flag' } },
  { collection: collectionNames.propagationTargetValues, key: { flag: 1 }, options: { name: 'flag' } },
  // Subscriptions read the feed by equality ($in) on its time bucket, which FerretDB pushes down.
  { collection: collectionNames.consentFeed, key: { bucket: 1 }, options: { name: 'bucket' } },
  // The propagation history is read by equality ($in) on its minute, which FerretDB pushes down.
  { collection: collectionNames.propagationSamples, key: { minute: 1 }, options: { name: 'minute' } },

  // --- access -----------------------------------------------------------------
  { collection: collectionNames.accessRecords, key: { customerIds: 1 }, options: { name: 'customerIds' } },

  // --- identity ---------------------------------------------------------------
  // Cluster membership and candidate lists are read by these fields; on FerretDB v1 they
  // are scanned (only _id is pushed down), on MongoDB they use the index.
  { collection: collectionNames.identityLinks, key: { customerId: 1 }, options: { name: 'customerId' } },
  { collection: collectionNames.identityRedirects, key: { survivorId: 1 }, options: { name: 'survivorId' } },
  { collection: collectionNames.identityCandidates, key: { status: 1, createdAt: 1 }, options: { name: 'status_createdAt' } },
  { collection: collectionNames.identityEvents, key: { customerIds: 1, at: 1 }, options: { name: 'customerIds_at' } },
  // Search terms are read by equality on `term` (a search) or `linkId` (an unlink): both pushed down on FerretDB.
  { collection: collectionNames.identitySearchTerms, key: { term: 1 }, options: { name: 'term' } },
  { collection: collectionNames.identitySearchTerms, key: { linkId: 1 }, options: { name: 'linkId' } },

  // --- sources and sync -------------------------------------------------------
]);
