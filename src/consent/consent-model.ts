/**
 * The consent store's data model (DESIGN.md, "Data model"): immutable events in a
 * per-customer log, and a state document per customer that is a projection of them.
 * Stored documents hold no `$`-prefixed or dotted keys and no nested arrays (FerretDB
 * v1): consents are an array of entries, never an object keyed by contact point.
 */

/** A status as recorded. */
export type ConsentStatus = 'GRANTED' | 'DENIED' | 'PENDING' | 'UNKNOWN';

/** A status as read at an instant: a GRANTED or PENDING entry past its expiry reads EXPIRED. */
export type EffectiveConsentStatus = ConsentStatus | 'EXPIRED';

/** Who made a change. */
export type ActorKind = 'CUSTOMER' | 'AGENT' | 'SYSTEM';

/** How a change was captured. */
export const consentMethods = Object.freeze([
  'WEB_FORM',
  'CALL',
  'EMAIL_LINK',
  'WEBHOOK',
  'IMPORT',
  'API',
  'IN_PERSON',
  'PAPER_FORM',
] as const);
/** One of {@link consentMethods}. */
export type ConsentMethod = (typeof consentMethods)[number];

/** GDPR Art. 6(1) lawful bases. */
export const legalBases = Object.freeze([
  'CONSENT',
  'CONTRACT',
  'LEGAL_OBLIGATION',
  'VITAL_INTERESTS',
  'PUBLIC_TASK',
  'LEGITIMATE_INTERESTS',
] as const);
/** One of {@link legalBases}. */
export type LegalBasis = (typeof legalBases)[number];

/** The system and record a change came from. */
export interface ChangeSource {
  system: string;
  recordId: string;
}

/** Who made a change. */
export interface ChangeActor {
  kind: ActorKind;
  id: string;
}

/** The principal that sent a change to the gateway (its id and roles, never a credential). */
export interface ChangeRecorder {
  /** `key:<keyId>`, `user:<subject>` or `customer:<customerId>`. */
  id: string;
  kind: 'API_KEY' | 'USER' | 'CUSTOMER';
  roles: string[];
}

/** What the gateway itself saw of the request that sent a change. */
export interface ObservedRequest {
  /** The address the request came from. */
  ip: string | null;
  /** Its `User-Agent` header. */
  userAgent: string | null;
}

/** Who sent a change, and whom it is attributed to when it names no actor of its own. */
export interface ChangeAuthor {
  /** The actor of a change that names none: the sender itself. */
  actor: ChangeActor;
  recordedBy: ChangeRecorder;
  /**
   * For a customer's own change: the request as the gateway saw it, kept as the evidence's
   * IP and user agent over anything the change says (a browser cannot vouch for itself).
   */
  observed?: ObservedRequest;
}

/** The proof kept with a change. */
export interface ChangeEvidence {
  noticeVersion: string | null;
  textShown: string | null;
  ip: string | null;
  userAgent: string | null;
  /** The language of `textShown` (BCP 47); absent when not given, and on events recorded before it existed. */
  locale?: string;
}

/** The preference fields, each optional (absent: not part of this change). */
export interface PreferenceValues {
  topics?: string[];
  frequency?: string;
  preferredChannel?: string;
  language?: string;
}

/** The preference field names, in display order. */
export const preferenceFields = Object.freeze(['topics', 'frequency', 'preferredChannel', 'language'] as const);
/** One of {@link preferenceFields}. */
export type PreferenceField = (typeof preferenceFields)[number];

/** What a consent event changes. */
export interface ConsentEventChange {
  /** `channel|purpose|contactPoint`: the state key the event competes for. */
  key: string;
  channel: string;
  purpose: string;
  contactPoint: string | null;
  from: ConsentStatus;
  to: ConsentStatus;
  expiresAt: Date | null;
}

/** One immutable event of a customer's log. */
export interface ConsentEventDoc {
  /** `<customerId>#<seq, 10 digits>`: the log position is the key, so a lookup by position is an `_id` lookup. */
  _id: string;
  customerId: string;
  /** Dense per customer, from 1; unique with `customerId`. */
  seq: number;
  kind: 'CONSENT' | 'PREFERENCE';
  consent: ConsentEventChange | null;
  preferences: { from: PreferenceValues; to: PreferenceValues } | null;
  capturedAt: Date;
  recordedAt: Date;
  source: ChangeSource;
  actor: ChangeActor;
  /** The principal that sent the change (absent on events recorded before access control, and on imports run beside the API). */
  recordedBy?: ChangeRecorder | null;
  method: ConsentMethod;
  legalBasis: LegalBasis | null;
  evidence: ChangeEvidence | null;
  /** The caller's key, or `auto:<uuid>`; unique over the collection. */
  idempotencyKey: string;
  /** sha256 of the canonical request payload: the same key with another payload is a CONFLICT. */
  payloadHash: string;
  /** Whether the event won its key(s) when it arrived; false: kept in history only. */
  current: boolean;
}

/** The current consent for one key. */
export interface ConsentEntry {
  key: string;
  channel: string;
  purpose: string;
  contactPoint: string | null;
  status: ConsentStatus;
  capturedAt: Date;
  expiresAt: Date | null;
  source: ChangeSource;
  seq: number;
  eventId: string;
}

/** The current value of one preference field. */
export interface PreferenceEntry<T> {
  value: T;
  capturedAt: Date;
  seq: number;
  eventId: string;
}

/** The current preferences, one entry per field ever set. */
export interface PreferenceEntries {
  topics?: PreferenceEntry<string[]>;
  frequency?: PreferenceEntry<string>;
  preferredChannel?: PreferenceEntry<string>;
  language?: PreferenceEntry<string>;
}

/** A customer's state document: f(events 1..seq) of its log. */
export interface ConsentStateDoc {
  /** The customer id. */
  _id: string;
  /** The last log position folded in; 0 for a registered customer without events. */
  seq: number;
  consents: ConsentEntry[];
  preferences: PreferenceEntries;
}

/**
 * One outbox row as the consent store creates it: event `eventId` to be delivered to
 * `system`. Propagation (src/propagation) owns everything after: it adds the delivery's
 * state to the row (DeliveryRowDoc).
 */
export interface ConsentOutboxDoc {
  /** `<eventId>><system>`, so the row is found by `_id`. */
  _id: string;
  eventId: string;
  customerId: string;
  system: string;
  createdAt: Date;
  status: 'PENDING';
  attempts: 0;
  /** Due at once. */
  nextAttemptAt: Date;
}

/** The state key of a consent. */
export function consentKey(channel: string, purpose: string, contactPoint: string | null): string {
  return `${channel}|${purpose}|${contactPoint ?? ''}`;
}

/** The `_id` of the event at `seq` in `customerId`'s log. */
export function eventIdOf(customerId: string, seq: number): string {
  return `${customerId}#${String(seq).padStart(10, '0')}`;
}
