/**
 * A list member as the Mailchimp Marketing API v3 returns it (the fields the adapter reads).
 * https://mailchimp.com/developer/marketing/api/list-members/get-member-info/
 */
export interface MailchimpMember {
  /** The subscriber hash: MD5 of the lower-cased email. */
  id: string;
  email_address: string;
  /** subscribed, unsubscribed, cleaned, pending, transactional or archived. */
  status: string;
  merge_fields?: Record<string, unknown>;
  /** Interest id -> member is in it. */
  interests?: Record<string, boolean>;
  marketing_permissions?: { marketing_permission_id: string; text: string; enabled: boolean }[];
  /** `2025-03-01T10:20:30+00:00`. */
  last_changed?: string;
  language?: string;
  list_id?: string;
}

/** The merge tags of the canonical fields; audiences may name them differently. */
export const defaultMailchimpFieldMap = Object.freeze({
  givenName: 'FNAME',
  familyName: 'LNAME',
  phones: 'PHONE',
  addresses: 'ADDRESS',
});

/** Canonical field -> merge tag. */
export type MailchimpFieldMap = Partial<Record<keyof typeof defaultMailchimpFieldMap, string>>;
