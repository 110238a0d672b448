import { AuthenticationError } from '../access/authentication-error';
import { changeAuthorOf } from '../access/change-author';
import type { PreferenceLinks } from '../access/preference-link';
import type { ConsentService } from '../consent/consent-service';
import { ErrorCode } from '../errors/error-codes';
import { GatewayError } from '../errors/gateway-error';

/** Where the change came from: the preference centre, on the customer's own record. */
const PREFERENCE_CENTRE_SYSTEM = 'preference-centre';
/** The evidence of a one-click unsubscribe: the body RFC 8058 prescribes, which is all the mail client showed. */
const ONE_CLICK_TEXT = 'List-Unsubscribe=One-Click';
/** The consent channel a List-Unsubscribe header is about. */
const EMAIL_CHANNEL = 'EMAIL';
/** Longest user agent kept as evidence (the consent store takes at most 2,000 characters). */
const MAX_USER_AGENT = 500;

/** What the HTTP request said besides its token. */
export interface UnsubscribeRequest {
  /** The `token` query parameter of the List-Unsubscribe URI. */
  token: string;
  /** The client's address, as evidence. */
  ip: string | null;
  /** The client's `User-Agent`, as evidence. */
  userAgent: string | null;
}

/** How a one-click unsubscribe ended. */
export interface UnsubscribeOutcome {
  /** RECORDED: a DENIED event was written; REPEATED: the same link was used again within the minute, nothing new written. */
  outcome: 'RECORDED' | 'REPEATED';
  purpose: string;
}

/** Options of {@link OneClickUnsubscribe}. */
export interface OneClickUnsubscribeOptions {
  links: PreferenceLinks;
  consent: ConsentService;
  /** How long a repeat of the same link records nothing new, in ms (calendar windows of this length). @default 60000 */
  repeatWindowMs?: number;
  now?: () => Date;
}

/**
 * RFC 8058 one-click unsubscribe (https://www.rfc-editor.org/rfc/rfc8058): the mail
 * client POSTs `List-Unsubscribe=One-Click` to the URI of the message's `List-Unsubscribe`
 * header, which carries a preference-centre link's token. The token's customer withdraws
 * email consent for the token's purpose, recorded exactly as the customer's own change
 * through the API would be (actor CUSTOMER and their id, the link's principal beside it),
 * channel-wide (the URI does not say which address the message went to), method
 * EMAIL_LINK, source `preference-centre` on the customer's id, the RFC's body, the
 * client's address and user agent as evidence.
 *
 * Mail clients retry and people click twice: the idempotency key is the link's id and the
 * window the request falls in (a minute by default), so a repeat within it writes nothing
 * (its payload differs, in time and perhaps address, which the store reports as a reused
 * key: answered as a repeat), while the same link used again later, say after the person
 * subscribed again, withdraws again.
 */
export class OneClickUnsubscribe {
  private readonly repeatWindowMs: number;
  private readonly now: () => Date;

  constructor(private readonly options: OneClickUnsubscribeOptions) {
    this.repeatWindowMs = options.repeatWindowMs ?? 60_000;
    this.now = options.now ?? (() => new Date());
  }

  /** Withdraws the link's purpose for email; an AuthenticationError for a token that is not a valid, unexpired link with a purpose. */
  async unsubscribe({ token, ip, userAgent }: UnsubscribeRequest): Promise<UnsubscribeOutcome> {
    const principal = await this.options.links.verify(token);
    const link = principal.preferenceLink;
    if (!principal.customerId || !link?.id || !link.purpose) {
      throw new AuthenticationError('This preference-centre link names no purpose to unsubscribe from; use the unsubscribe link of a recent email.');
    }
    const capturedAt = this.now();
    const window = Math.floor(capturedAt.getTime() / this.repeatWindowMs);
    const [result] = await this.options.consent.recordConsent(
      [
        {
          customerId: principal.customerId,
          channel: EMAIL_CHANNEL,
          purpose: link.purpose,
          status: 'DENIED',
          capturedAt,
          source: { system: PREFERENCE_CENTRE_SYSTEM, recordId: principal.customerId },
          method: 'EMAIL_LINK',
          legalBasis: 'CONSENT',
          evidence: { textShown: ONE_CLICK_TEXT, ip, userAgent: userAgent?.slice(0, MAX_USER_AGENT) || null },
          idempotencyKey: `list-unsubscribe:${link.id}:${window}`,
        },
      ],
      changeAuthorOf(principal),
    );
    const error = result!.error;
    if (error === null) return { outcome: result!.replayed ? 'REPEATED' : 'RECORDED', purpose: link.purpose };
    if (error.code === ErrorCode.CONFLICT && error.field?.endsWith('idempotencyKey')) return { outcome: 'REPEATED', purpose: link.purpose };
    throw new GatewayError(error.code as ErrorCode, error.message);
  }
}
