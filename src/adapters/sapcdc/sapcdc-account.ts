/**
 * An SAP Customer Data Cloud (Gigya) account as `accounts.getAccountInfo` and
 * `accounts.search` return it: the parts the adapter reads, each possibly absent.
 * https://help.sap.com/docs/SAP_CUSTOMER_DATA_CLOUD/8b8d6fffe113457094a17701f63e3d6a/41398a8670b21014bbc5a10ce4041860.html
 */
export interface SapCdcAccount {
  UID: string;
  lastUpdated?: string;
  /** Milliseconds since the epoch; stamped by every change. */
  lastUpdatedTimestamp?: number;
  lastLogin?: string | null;
  isActive?: boolean;
  loginIDs?: { emails?: string[]; unverifiedEmails?: string[] };
  emails?: { verified?: string[]; unverified?: string[] };
  profile?: {
    firstName?: string;
    lastName?: string;
    email?: string;
    phones?: { type?: string; number?: string }[] | { type?: string; number?: string };
    birthDay?: number;
    birthMonth?: number;
    birthYear?: number;
    locale?: string;
    country?: string;
    city?: string;
    zip?: string;
    address?: string;
  };
  preferences?: Record<string, Record<string, { isConsentGranted?: boolean } | undefined> | undefined>;
  subscriptions?: Record<string, { email?: { isSubscribed?: boolean; doubleOptIn?: { status?: string } } } | undefined>;
}

/** The response envelope every Gigya method answers with (HTTP 200 even for errors). */
export interface GigyaEnvelope {
  errorCode: number;
  statusCode?: number;
  errorMessage?: string;
  errorDetails?: string;
  callId?: string;
}

/** `accounts.search`'s answer. */
export interface GigyaSearchResponse extends GigyaEnvelope {
  results?: SapCdcAccount[];
  objectsCount?: number;
  totalCount?: number;
  nextCursorId?: string;
}

/**
 * Where each channel x purpose lives in an account: an email subscription (with its
 * double opt-in status) or a consent statement (`preferences.<id>.isConsentGranted`).
 * The ids are the site's schema: `newsletter` and `privacy.marketing_sms`/`_phone` here.
 */
export const sapcdcConsentFields = Object.freeze([
  { kind: 'subscription', id: 'newsletter', channel: 'EMAIL', purpose: 'MARKETING' },
  { kind: 'preference', id: 'privacy.marketing_sms', channel: 'SMS', purpose: 'MARKETING' },
  { kind: 'preference', id: 'privacy.marketing_phone', channel: 'PHONE', purpose: 'MARKETING' },
] as const);

/** The fields a read asks for (`SELECT *` would bring password and identities too). */
export const SAPCDC_SELECT = 'UID, lastUpdated, lastUpdatedTimestamp, lastLogin, isActive, loginIDs, emails, profile, preferences, subscriptions';
