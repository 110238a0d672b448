import { countryCode } from '../country-code';
import { compact, nonEmptyText as text } from '../record-values';
import type { SourceConsentFlag, SourceRecord } from '../source-adapter';
import { eloquaGroupConsent, type EloquaContact, type EloquaGroupSubscription } from './eloqua-contact';

/** What the mapper needs besides the contact. */
export interface EloquaMappingContext {
  /** The configured system name the record belongs to. */
  system: string;
  /** The contact's email group subscriptions, when they were read. @default not read: no group flags */
  groups?: readonly EloquaGroupSubscription[];
}

/**
 * Maps an Eloqua contact to a {@link SourceRecord}; pure. The global subscription is email
 * marketing, as a Mailchimp member's status is: `isSubscribed: "false"` (a global
 * unsubscribe) or `isBounceback: "true"` (a hard bounce: Eloqua mails the address no more)
 * is DENIED, else GRANTED. A group named in {@link eloquaGroupConsent} adds its purpose,
 * subscribed or not; a global unsubscribe overrides every group, so under one each group
 * reads DENIED. `updatedAt` is Unix seconds.
 * https://docs.oracle.com/en/cloud/saas/marketing/eloqua-help/Subscriptions/SubscriptionManagement.htm
 */
export function eloquaContactToRecord(contact: EloquaContact, context: EloquaMappingContext): SourceRecord {
  const reachable = contact.isSubscribed !== 'false' && contact.isBounceback !== 'true';
  const consentFlags: SourceConsentFlag[] = [{ channel: 'EMAIL', purpose: 'MARKETING', status: reachable ? 'GRANTED' : 'DENIED' }];
  for (const subscription of context.groups ?? []) {
    const pair = eloquaGroupConsent[(subscription.emailGroup.name ?? '').trim().toLowerCase()];
    if (pair) consentFlags.push({ ...pair, status: reachable && subscription.isSubscribed === 'true' ? 'GRANTED' : 'DENIED' });
  }
  const address = compact({
    line1: text(contact.address1),
    line2: text(contact.address2),
    city: text(contact.city),
    region: text(contact.province),
    postalCode: text(contact.postalCode),
    country: countryCode(text(contact.country)),
  });
  const updated = Number(contact.updatedAt);
  const phones = [contact.mobilePhone, contact.businessPhone].map(text).filter((phone): phone is string => phone !== undefined);
  const email = text(contact.emailAddress);
  return {
    system: context.system,
    recordId: contact.id,
    updatedAt: new Date(Number.isFinite(updated) ? updated * 1000 : 0),
    fields: compact({
      givenName: text(contact.firstName),
      familyName: text(contact.lastName),
      emails: email ? [email] : undefined,
      phones: phones.length ? phones : undefined,
      addresses: Object.keys(address).length ? [address] : undefined,
    }),
    engagement: compact({
      subscriptionStatus: contact.isBounceback === 'true' ? 'bounced' : contact.isSubscribed === 'false' ? 'unsubscribed' : 'subscribed',
      lastChangedAt: Number.isFinite(updated) ? new Date(updated * 1000) : undefined,
      lists: context.groups?.filter((subscription) => subscription.isSubscribed === 'true').map((subscription) => subscription.emailGroup.name ?? subscription.emailGroup.id),
    }),
    consentFlags,
    crossReferences: [],
    raw: contact,
  };
}
