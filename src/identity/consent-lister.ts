/**
 * The port through which an unlink asks which consents a customer holds (src/consent
 * owns them; identity never reads consent collections). The lead wires the consent
 * service's reader in; without one, an unlink reports no consents.
 */

/** One consent, as much of it as an unlink report needs. */
export interface ConsentSummary {
  channel: string;
  purpose: string;
  status: string;
  /** The contact point the consent is narrowed to (an email or a phone), if any. */
  contactPoint?: string | null;
}

/** Lists the current consents of a customer. */
export type ConsentLister = (customerId: string) => Promise<ConsentSummary[]>;

/** One consent or preference event, as much of it as a steward's review needs (no contact point). */
export interface ConsentEventSummary {
  eventId: string;
  kind: string;
  channel: string | null;
  purpose: string | null;
  status: string | null;
  capturedAt: Date;
  recordedAt: Date;
}

/** Lists the events recorded on a customer's log at or after `since` (record time). */
export type ConsentEventLister = (customerId: string, since: Date) => Promise<ConsentEventSummary[]>;
