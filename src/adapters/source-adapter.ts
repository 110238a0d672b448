import type { SystemStatus } from '../systems/system-status';
import type { SourceCallAllowance } from './http/source-call-allowance';

/**
 * The port every source dialect implements (DESIGN.md). Services (identity, profile,
 * consent drift, propagation) talk to sources only through it; nothing vendor-specific
 * crosses it except the opaque `raw` part of a record.
 */

/** A postal address, canonical form. */
export interface PostalAddress {
  line1?: string;
  line2?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
}

/**
 * The canonical profile fields a source can provide. Values are as the source holds
 * them (the identity layer normalises emails and phones for matching); absent means
 * the source does not know.
 */
export interface CanonicalFields {
  givenName?: string;
  familyName?: string;
  emails?: string[];
  phones?: string[];
  addresses?: PostalAddress[];
  /** ISO 8601 date, `YYYY-MM-DD`. */
  birthDate?: string;
  /** BCP 47, e.g. `en-GB`. */
  locale?: string;
}

/** CRM-only facts (Salesforce and the like). */
export interface CrmView {
  accountName?: string;
  ownerName?: string;
  tier?: string;
  lifetimeValue?: number;
  openOpportunities?: number;
  openCases?: number;
}

/** ESP-only facts (Mailchimp and the like). */
export interface EngagementView {
  lists?: string[];
  /** The ESP's own status word, e.g. `subscribed`, `unsubscribed`, `cleaned`. */
  subscriptionStatus?: string;
  lastChangedAt?: Date;
  interests?: string[];
}

/** Identity-system facts (SCIM and the like). */
export interface IdentityView {
  username?: string;
  active?: boolean;
  lastLoginAt?: Date;
}

/** A consent status, as the consent store models it. */
export type ConsentStatusValue = 'GRANTED' | 'DENIED' | 'PENDING' | 'UNKNOWN';

/**
 * A source's own consent flag, translated to our vocabulary. Used for drift reports
 * only: a source's flags are never shown as the answer (DESIGN.md).
 */
export interface SourceConsentFlag {
  channel: string;
  purpose: string;
  status: ConsentStatusValue;
  /** The contact point the flag is about, when the source narrows it. */
  contactPoint?: string;
  /**
   * The source cannot say GRANTED, only "not refused" (a CRM's opt-out box left empty):
   * such a GRANTED is no evidence that anyone consented. @default false
   */
  implicit?: boolean;
}

/** A reference to a record in a connected system. */
export interface SourceRef {
  /** The configured system name (not the dialect). */
  system: string;
  recordId: string;
}

/** One record of one source system, in canonical form. */
export interface SourceRecord extends SourceRef {
  /** When the source last changed the record. */
  updatedAt: Date;
  fields: CanonicalFields;
  crm?: CrmView;
  engagement?: EngagementView;
  identity?: IdentityView;
  consentFlags: SourceConsentFlag[];
  /** Ids of the same person in other systems, as this source records them. */
  crossReferences: SourceRef[];
  /** The vendor's record as received, opaque to everything above the adapter. */
  raw?: unknown;
}

/** A strong key to look a person up by. Values as the caller gives them; the adapter escapes them. */
export interface LookupKey {
  kind: 'email' | 'phone';
  value: string;
}

/** How an operation's HTTP calls are bounded; an adapter passes these on to every call it makes. */
export interface CallOptions {
  /** The caller's signal: when it fires the adapter gives up (and aborts its HTTP calls). Not a source failure. */
  signal?: AbortSignal;
  /**
   * Time budget of each HTTP call the operation makes, in ms, from the moment the call is
   * sent (time waiting for a connection is not counted). A call that runs out fails
   * TIMEOUT. @default none
   */
  budgetMs?: number;
  /** Who the calls are for (one object per request): waiting calls are served lane by lane. @default one shared lane */
  lane?: unknown;
  /** The source calls the request may still make; each HTTP call takes one, and is refused (CALL_LIMIT) past the cap. @default unlimited */
  sourceCalls?: SourceCallAllowance;
}

/** One page of a backfill. */
export interface ChangedPage {
  records: SourceRecord[];
  /** Pass back to get the next page; null when the source has no more. */
  nextCursor: string | null;
}

/** A consent change to write back to a source (propagation). Values are absolute, so a retry is harmless. */
export interface ConsentWrite {
  channel: string;
  purpose: string;
  status: ConsentStatusValue;
  contactPoint?: string;
}

/** The port. */
export interface SourceAdapter {
  /** The configured system name, unique in this gateway. */
  readonly name: string;
  /** The dialect, e.g. `salesforce`. */
  readonly dialect: string;
  /** The canonical fields this source can provide (for `systems`). */
  readonly providedFields: readonly string[];
  /** Reads records by id in as few calls as the dialect allows; answers in `ids` order, null for a miss. */
  fetchByIds(ids: readonly string[], options?: CallOptions): Promise<(SourceRecord | null)[]>;
  /**
   * The fewest HTTP calls `fetchByIds` needs for this many distinct records, by the
   * vendor's limits per call (Salesforce: 10,000 ids a Composite call; SCIM: `idBatchSize`
   * ids a filtered list; Mailchimp: one member a call). The benchmark's ideal.
   */
  minimumReadCalls(records: number): number;
  /** Finds the records holding a key (exact match, as the source can best express it). */
  findByKey(key: LookupKey, options?: CallOptions): Promise<SourceRecord[]>;
  /** Pages through records changed since a cursor (null: from the beginning), for backfills. */
  changedSince(cursor: string | null, options?: CallOptions & { pageSize?: number }): Promise<ChangedPage>;
  /**
   * Up to `limit` records the source changed at or after `since`, oldest change first, by
   * the vendor's own modification stamp (propagation polls with it, because webhooks get
   * lost). A poller passes the last record's `updatedAt` back: the records at that instant
   * come again, which taking a change in makes harmless. @default limit 500
   */
  recordsChangedSince(since: Date, options?: CallOptions & { limit?: number }): Promise<SourceRecord[]>;
  /**
   * Whether the source holds this channel x purpose flag at all (Salesforce holds only
   * marketing opt-outs, for example), so propagation need not queue writes it cannot make.
   */
  acceptsConsent(channel: string, purpose: string): boolean;
  /** Writes a consent change back to the source record; a pair {@link acceptsConsent} refuses is not written. */
  writeConsent(recordId: string, change: ConsentWrite, options?: CallOptions): Promise<void>;
  /**
   * The status the record reads back as once `change` was written: a source that cannot
   * hold every status stores the nearest it has (a CRM's opt-out box says only "granted"
   * or not, so a PENDING double opt-in reads back as DENIED). Propagation notes this as the
   * value written, so the record's echo is known for our own write, not taken in as the
   * person's refusal. @default the status written
   */
  statusHeldAfter?(change: ConsentWrite): ConsentStatusValue;
  /** Name, dialect, base URL (no secret), fields and health. */
  describe(): SystemStatus;
  /** Closes the connection pools; in-flight calls finish first. */
  close(): Promise<void>;
}
