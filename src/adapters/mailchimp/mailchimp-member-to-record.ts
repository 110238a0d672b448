import { countryCode } from '../country-code';
import { compact, nonEmptyText as text } from '../record-values';
import type { ConsentStatusValue, PostalAddress, SourceConsentFlag, SourceRecord } from '../source-adapter';
import type { AudienceNames } from './mailchimp-audience-names';
import { defaultMailchimpFieldMap, type MailchimpFieldMap, type MailchimpMember } from './mailchimp-member';

/** What the mapper needs besides the member. */
export interface MailchimpMappingContext {
  /** The configured system name the record belongs to. */
  system: string;
  /** The audience's merge tags. @default defaultMailchimpFieldMap */
  fieldMap?: MailchimpFieldMap;
  /** The audience's and interests' names: what `engagement` shows instead of Mailchimp's ids. */
  names: AudienceNames;
}

/**
 * The member's status is what Mailchimp acts on for email marketing: `cleaned` (the
 * address bounced) cannot be mailed, so it reads as DENIED; `transactional` members
 * never opted in or out of marketing and `archived` ones are hidden, so both are UNKNOWN.
 * https://mailchimp.com/developer/marketing/docs/manage-subscribers/#subscriber-status
 */
export const mailchimpStatusToConsent: Readonly<Record<string, ConsentStatusValue>> = Object.freeze({
  subscribed: 'GRANTED',
  unsubscribed: 'DENIED',
  cleaned: 'DENIED',
  pending: 'PENDING',
  transactional: 'UNKNOWN',
  archived: 'UNKNOWN',
});

/**
 * GDPR marketing permissions, by their text (ids differ per audience). The "Email"
 * permission is left out: the status above is what Mailchimp enforces for email.
 * "Customized Online Advertising" uploads the address to ad platforms: a third party.
 * https://mailchimp.com/developer/marketing/docs/manage-subscribers/#gdpr-fields
 */
export const mailchimpPermissionConsent: Readonly<Record<string, { channel: string; purpose: string }>> = Object.freeze({
  'direct mail': { channel: 'POSTAL', purpose: 'MARKETING' },
  'customized online advertising': { channel: 'EMAIL', purpose: 'THIRD_PARTY' },
});

/** Maps a Mailchimp list member to a {@link SourceRecord}; pure, no vendor shape escapes but `raw`. */
export function mailchimpMemberToRecord(member: MailchimpMember, context: MailchimpMappingContext): SourceRecord {
  const tags = { ...defaultMailchimpFieldMap, ...context.fieldMap };
  const merge = member.merge_fields ?? {};
  const consentFlags: SourceConsentFlag[] = [
    { channel: 'EMAIL', purpose: 'MARKETING', status: mailchimpStatusToConsent[member.status] ?? 'UNKNOWN' },
  ];
  for (const permission of member.marketing_permissions ?? []) {
    const pair = mailchimpPermissionConsent[permission.text.trim().toLowerCase()];
    if (pair) consentFlags.push({ ...pair, status: permission.enabled ? 'GRANTED' : 'DENIED' });
  }
  const address = toAddress(merge[tags.addresses]);
  const phone = text(merge[tags.phones]);
  const lastChangedAt = member.last_changed ? new Date(member.last_changed) : undefined;
  return {
    system: context.system,
    recordId: member.id,
    updatedAt: lastChangedAt ?? new Date(0),
    fields: compact({
      givenName: text(merge[tags.givenName]),
      familyName: text(merge[tags.familyName]),
      emails: [member.email_address],
      phones: phone ? [phone] : undefined,
      addresses: address ? [address] : undefined,
      // BIRTHDAY merge fields are `MM/DD` without a year: not a birth date.
      locale: text(member.language),
    }),
    engagement: compact({
      // The member's audience is the one the names were read for; a member holds only its id.
      lists: member.list_id && context.names.listName ? [context.names.listName] : undefined,
      subscriptionStatus: member.status,
      lastChangedAt,
      // By name; an id with no name (an interest deleted since) is left out, never shown raw.
      interests: Object.entries(member.interests ?? {})
        .filter(([, isIn]) => isIn)
        .map(([id]) => context.names.interestNames.get(id))
        .filter((name): name is string => name !== undefined),
    }),
    consentFlags,
    crossReferences: [],
    raw: member,
  };
}

/** An ADDRESS merge field is an object, or '' when empty. */
function toAddress(value: unknown): PostalAddress | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const field = value as Record<string, unknown>;
  const address = compact({
    line1: text(field.addr1),
    line2: text(field.addr2),
    city: text(field.city),
    region: text(field.state),
    postalCode: text(field.zip),
    // Forms and imports leave a code or a name here: either becomes the ISO code.
    country: countryCode(text(field.country)),
  });
  return Object.keys(address).length ? address : undefined;
}
