import type { PreferenceLinks } from '../access/preference-link';
import { BadUserInputError, NotFoundError } from '../errors/gateway-error';
import type { CustomerDirectory } from '../identity/customer-directory';

/** A preference-centre link as `createPreferenceLink` answers it. */
export interface PreferenceLinkView {
  /** `<public base>/preferences#token=<token>`: in the fragment, so the token never reaches a server log when the page loads. */
  url: string;
  /** `<public base>/preferences/unsubscribe?token=<token>`: the RFC 8058 `List-Unsubscribe` URI of an email about `purpose`. */
  unsubscribeUrl: string;
  expiresAt: Date;
  purpose: string;
}

/** Options of {@link PreferenceLinkIssuer}. */
export interface PreferenceLinkIssuerOptions {
  links: PreferenceLinks;
  /** Which customer ids exist, and which survive a merge. */
  directory: CustomerDirectory;
  /** The consent purposes of the vocabulary (a link's purpose must be one). */
  purposes: readonly string[];
  /** The gateway's public base URL, without a trailing slash (read when a link is made: the port may be known only once listening). */
  publicUrl: () => string;
  /** How long a link lasts, in seconds. @default 2592000 (30 days) */
  ttlSeconds?: number;
}

/**
 * Makes preference-centre links for staff and integrations to send to a customer
 * (`createPreferenceLink`): a signed, expiring token scoped to one customer (the survivor,
 * when the id was merged away) and about one consent purpose, as the page's URL and as
 * the one-click unsubscribe URI of an email about that purpose.
 */
export class PreferenceLinkIssuer {
  constructor(private readonly options: PreferenceLinkIssuerOptions) {}

  /** A link for `customerId` about `purpose`: BAD_USER_INPUT naming `purpose` outside the vocabulary, NOT_FOUND for an unknown customer. */
  async createLink(customerId: string, purpose: string): Promise<PreferenceLinkView> {
    const { links, directory, purposes, publicUrl, ttlSeconds } = this.options;
    if (!purposes.includes(purpose)) {
      throw new BadUserInputError(`purpose: must be one of ${purposes.join(', ')}. No link was made.`, { extensions: { field: 'purpose' } });
    }
    const survivor = await directory.resolveId(customerId);
    if (survivor === null) throw new NotFoundError('customerId: no customer with this id.', { extensions: { field: 'customerId' } });
    const link = await links.create(survivor, { purpose, ttlSeconds });
    const base = publicUrl();
    const token = encodeURIComponent(link.token);
    return { url: `${base}/preferences#token=${token}`, unsubscribeUrl: `${base}/preferences/unsubscribe?token=${token}`, expiresAt: link.expiresAt, purpose };
  }
}
