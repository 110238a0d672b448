/**
 * An Eloqua contact as the Application API 1.0 answers it at `depth=complete`: every scalar
 * a string, times in Unix seconds, booleans `"true"`/`"false"`.
 * https://docs.oracle.com/en/cloud/saas/marketing/eloqua-rest-api/op-api-rest-1.0-data-contact-id-get.html
 */
export interface EloquaContact {
  type?: string;
  id: string;
  emailAddress?: string;
  firstName?: string;
  lastName?: string;
  mobilePhone?: string;
  businessPhone?: string;
  address1?: string;
  address2?: string;
  city?: string;
  province?: string;
  postalCode?: string;
  country?: string;
  createdAt?: string;
  /** Unix seconds, as a string. */
  updatedAt?: string;
  isSubscribed?: string;
  isBounceback?: string;
  fieldValues?: { id: string; value?: string }[];
}

/** A contact's subscription to one email group. */
export interface EloquaGroupSubscription {
  emailGroup: { id: string; name?: string };
  isSubscribed: string;
}

/** A list answer: `{elements, page, pageSize, total}`. */
export interface EloquaPage<T> {
  elements?: T[];
  page?: number;
  pageSize?: number;
  total?: number;
}

/**
 * Email groups that stand for a purpose, by name (ids differ per instance), as Mailchimp's
 * GDPR permissions are matched by their text. A group the map does not name is not
 * reported. Email marketing itself is the global subscription (`isSubscribed`).
 */
export const eloquaGroupConsent: Readonly<Record<string, { channel: string; purpose: string }>> = Object.freeze({
  'service announcements': { channel: 'EMAIL', purpose: 'SERVICE' },
  'partner offers': { channel: 'EMAIL', purpose: 'THIRD_PARTY' },
});
