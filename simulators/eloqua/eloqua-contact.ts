/**
 * An Eloqua contact as the Application API 1.0 returns it at `depth=complete` (the fields
 * the simulator holds). Eloqua writes every scalar as a string: ids are numeric strings,
 * times are Unix seconds (`"1424362751"`), booleans `"true"`/`"false"`.
 * https://docs.oracle.com/en/cloud/saas/marketing/eloqua-rest-api/op-api-rest-1.0-data-contact-id-get.html
 */
export interface EloquaContact {
  type: 'Contact';
  id: string;
  /** Eloqua keeps one contact per email address (its unique key). */
  emailAddress: string;
  /** The contact's name in lists: its email address. */
  name: string;
  firstName?: string;
  lastName?: string;
  mobilePhone?: string;
  businessPhone?: string;
  address1?: string;
  city?: string;
  province?: string;
  postalCode?: string;
  /** Free text, as a form or an import left it. */
  country?: string;
  createdAt: string;
  updatedAt: string;
  /** The global subscription: "false" once the contact is globally unsubscribed. */
  isSubscribed: 'true' | 'false';
  /** A hard bounce: Eloqua sends no more email to the address. */
  isBounceback: 'true' | 'false';
  subscriptionDate?: string;
  unsubscriptionDate?: string;
  /** Custom and system contact fields by id (`{type: "FieldValue", id, value}`). */
  fieldValues: { type: 'FieldValue'; id: string; value?: string }[];
}

/** An email group (a subscription list): https://docs.oracle.com/en/cloud/saas/marketing/eloqua-rest-api/op-api-rest-1.0-assets-email-groups-get.html */
export interface EloquaEmailGroup {
  type: 'ContactEmailGroup';
  id: string;
  name: string;
  description?: string;
  isVisibleInPublicSubscriptionList: 'true' | 'false';
}

/** The email groups every simulated instance has (ids as Eloqua numbers assets). */
export const ELOQUA_EMAIL_GROUPS: readonly EloquaEmailGroup[] = Object.freeze([
  { type: 'ContactEmailGroup', id: '11', name: 'Newsletter', description: 'Monthly news', isVisibleInPublicSubscriptionList: 'true' },
  { type: 'ContactEmailGroup', id: '12', name: 'Service Announcements', description: 'Account and service notices', isVisibleInPublicSubscriptionList: 'true' },
  { type: 'ContactEmailGroup', id: '13', name: 'Partner Offers', description: 'Offers from our partners', isVisibleInPublicSubscriptionList: 'true' },
]);

/** The contact fields a PUT may set (the rest are read-only or computed). */
export const WRITABLE_CONTACT_FIELDS: ReadonlySet<string> = new Set([
  'emailAddress', 'firstName', 'lastName', 'mobilePhone', 'businessPhone', 'address1', 'city', 'province', 'postalCode',
  'country', 'isSubscribed', 'isBounceback', 'fieldValues',
]);
