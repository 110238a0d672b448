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
