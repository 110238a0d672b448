/**
 * An SAP Customer Data Cloud (Gigya) account as the accounts API returns it (the parts the
 * simulator holds): https://help.sap.com/docs/SAP_CUSTOMER_DATA_CLOUD/8b8d6fffe113457094a17701f63e3d6a/41398a8670b21014bbc5a10ce4041860.html
 * (Accounts object), preferences (consent statements) and subscriptions as
 * `accounts.getAccountInfo` answers them. Times are ISO 8601 UTC with milliseconds; the
 * `...Timestamp` twins are milliseconds since the epoch.
 */
export interface SapCdcAccount {
  UID: string;
  created: string;
  createdTimestamp: number;
  lastUpdated: string;
  /** Stamped by every change: what `accounts.search` finds changes by. */
  lastUpdatedTimestamp: number;
  lastLogin: string | null;
  lastLoginTimestamp: number | null;
  isActive: boolean;
  isRegistered: boolean;
  isVerified: boolean;
  /** The identifiers a person logs in with (Gigya keeps them lower-cased). */
  loginIDs: { emails: string[]; unverifiedEmails: string[] };
  emails: { verified: string[]; unverified: string[] };
  profile: SapCdcProfile;
  /** The site's custom data. */
  data: Record<string, unknown>;
  /** Consent statements by id (`terms.tos`, `privacy.marketing_sms`), nested by the id's dots. */
  preferences: Record<string, Record<string, SapCdcConsentStatement>>;
  /** Subscriptions by id, each with its `email` channel. */
  subscriptions: Record<string, { email: SapCdcEmailSubscription }>;
}

/** The profile's fields the simulator holds. */
export interface SapCdcProfile {
  firstName?: string;
  lastName?: string;
  /** As the person typed it. */
  email?: string;
  phones?: { type: string; number: string }[];
  birthDay?: number;
  birthMonth?: number;
  birthYear?: number;
  locale?: string;
  /** Free text. */
  country?: string;
  city?: string;
  zip?: string;
  address?: string;
}

/** One consent statement of an account. */
export interface SapCdcConsentStatement {
  isConsentGranted: boolean;
  docVersion: number | null;
  docDate: string | null;
  lang: string | null;
  lastConsentModified: string;
  actionTimestamp: string;
  tags: string[];
  customData: { key: string; value: string }[];
  entitlements: string[];
  locales: Record<string, unknown>;
}

/** An email subscription of an account. */
export interface SapCdcEmailSubscription {
  isSubscribed: boolean;
  tags: string[] | null;
  lastUpdatedSubscriptionState: string;
  doubleOptIn: {
    /** `NotConfirmed` (never asked, or unsubscribed), `Pending` (confirmation email sent), `Confirmed`. */
    status: 'NotConfirmed' | 'Pending' | 'Confirmed';
    emailSentTime: string | null;
    confirmTime: string | null;
    isExternallyVerified: boolean;
  };
}

/**
 * The site's consent schema: the statements and subscriptions the simulator's site defines
 * (a write to another id is refused, as a site's schema refuses it). `terms.tos` is the
 * mandatory terms of service; the others are marketing consents.
 */
export const SITE_CONSENT_STATEMENTS: Readonly<Record<string, { docVersion: number; mandatory: boolean }>> = Object.freeze({
  'terms.tos': { docVersion: 2, mandatory: true },
  'privacy.marketing_sms': { docVersion: 1, mandatory: false },
  'privacy.marketing_phone': { docVersion: 1, mandatory: false },
});

/** The site's subscriptions, and whether each has a double opt-in policy. */
export const SITE_SUBSCRIPTIONS: Readonly<Record<string, { doubleOptIn: boolean }>> = Object.freeze({
  newsletter: { doubleOptIn: true },
  product_updates: { doubleOptIn: false },
});
