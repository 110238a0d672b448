import type { ConsentEventSummary } from './consent-lister';

/**
 * The identity graph's stored documents (collections in src/store/collections.ts).
 * Every claim that must be atomic is an `_id`: the one unique index FerretDB v1
 * enforces atomically (DESIGN.md).
 */

/** Who or what made a link, a merge or a decision. */
export interface Attribution {
  /** The matching rule (`email-exact`, ...) or `manual` / `steward` for a person's action. */
  rule: string;
  /** The person, for manual actions. */
  actor?: string;
  /** Why, for manual actions. */
  reason?: string;
  at: Date;
}

/** A golden customer. */
export interface CustomerDoc {
  _id: string;
  createdAt: Date;
  /** The rule or person that created it. */
  createdBy: string;
}

/**
 * A merged customer's pointer to its survivor; written once (unique `_id`), never
 * changed. An unlink that undoes a person's wrong merge deletes it.
 */
export interface RedirectDoc extends Attribution {
  _id: string;
  survivorId: string;
}

/** A source record's link to its customer. */
export interface LinkDoc extends Attribution {
  /** `<system>:<recordId>` */
  _id: string;
  system: string;
  recordId: string;
  /** The customer the record was linked to; follow redirects for the survivor. */
  customerId: string;
  /** The key ids the record held when last resolved (`email:...`, `phone:...`, `ref:...`). */
  keys: string[];
  /** Which of those keys matched an existing customer when the link was made. */
  matchedKeys: string[];
  /** A person placed the record (link or unlink): rules never move it again. */
  manual: boolean;
  /** The record's `updatedAt` when last resolved. */
  recordUpdatedAt?: Date;
}

/** A normalised key's owner. */
export interface KeyDoc {
  /** `email:<normalised>`, `phone:<E.164>`, `ref:<system>:<recordId>` */
  _id: string;
  customerId: string;
  /** The rule that claimed it, and the record that carried it. */
  rule: string;
  system: string;
  recordId: string;
  claimedAt: Date;
}

/** The status of an identity candidate. */
export type CandidateStatus = 'OPEN' | 'MERGED' | 'KEPT_SEPARATE';

/** A clash for a data steward: one record's keys point at two customers. */
export interface CandidateDoc {
  /** The two customer ids, sorted, joined by `|`. */
  _id: string;
  customerIds: [string, string];
  status: CandidateStatus;
  /** The record whose keys clashed. */
  system: string;
  recordId: string;
  /** The key kinds that pointed at the other customer (never the values). */
  clashingKeys: string[];
  createdAt: Date;
  decidedAt?: Date;
  decidedBy?: string;
  decisionReason?: string;
}

/** A steward's decision, the unique claim that makes a decision final. */
export interface DecisionDoc {
  _id: string;
  decision: 'MERGE' | 'KEEP_SEPARATE';
  actor: string;
  reason: string;
  at: Date;
}

/** A name-search entry for one record. */
export interface SearchDoc {
  /** `<token>|<linkId>`: ordered by token so a prefix is a range of `_id`. */
  _id: string;
  linkId: string;
  customerId: string;
}

/** What an exact search term of a record is. */
export type SearchTermKind = 'EMAIL_LOCAL_PART' | 'SURNAME_AND_INITIAL';

/** An exact search term of one record, found by equality on the indexed `term` (never a range). */
export interface SearchTermDoc {
  /** `<term>|<linkId>`: one entry per term and record, so a repeated insert is a no-op. */
  _id: string;
  /** The normalised term (`james.murphy`, `vries j`). */
  term: string;
  kind: SearchTermKind;
  linkId: string;
  customerId: string;
}

/** One audit entry. */
export interface IdentityEventDoc {
  _id: string;
  type: 'LINK' | 'UNLINK' | 'MERGE' | 'CANDIDATE' | 'DECISION';
  customerIds: string[];
  records: { system: string; recordId: string }[];
  rule: string;
  actor?: string;
  reason?: string;
  at: Date;
  /** An UNLINK that undid a person's merge: which one (the loser answers as itself again). */
  undoneMerge?: { loserId: string; survivorId: string; mergedAt: Date; mergedBy?: string };
  /** What happened to the survivor while it was merged, for a data steward to review. */
  toReview?: {
    /** Records linked to the survivor's cluster while merged: they may belong to either person. */
    records: { system: string; recordId: string }[];
    /** Consent events recorded on the survivor while merged: they stay there unless a steward moves them. */
    consentEvents: ConsentEventSummary[];
  };
}

/** The backfill's progress through one source. */
export interface SyncCursorDoc {
  /** The system name. */
  _id: string;
  /** The source's cursor for the next page; null before the first page. */
  cursor: string | null;
  /** True once the source reported no more pages. */
  done: boolean;
  records: number;
  updatedAt: Date;
}
