/**
 * The vendors' own record shapes, as their APIs return them. The population generator
 * produces these and the simulators serve them; nothing here is our canonical model.
 */

/**
 * A Salesforce Contact with the standard fields we use plus a few custom ones.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_contact.htm
 */
export interface SalesforceContact {
  /** 18-character case-safe id, key prefix `003`. */
  Id: string;
  FirstName: string | null;
  LastName: string;
  Email: string | null;
  Phone: string | null;
  MobilePhone: string | null;
  MailingStreet: string | null;
  MailingCity: string | null;
  MailingPostalCode: string | null;
  /** Country name as typed (no state/country picklists). */
  MailingCountry: string | null;
  /** `YYYY-MM-DD`. */
  Birthdate: string | null;
  /** Salesforce datetime format, `2025-03-01T10:20:30.000+0000`. */
  CreatedDate: string;
  LastModifiedDate: string;
  HasOptedOutOfEmail: boolean;
  DoNotCall: boolean;
  HasOptedOutOfFax: boolean;
  AccountId: string | null;
  Account: { Name: string } | null;
  OwnerId: string;
  Owner: { Name: string };
  Tier__c: string | null;
  Lifetime_Value__c: number | null;
  Open_Cases__c: number | null;
}

/**
 * A Salesforce Opportunity (the fields the simulator answers about).
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunity.htm
 */
export interface SalesforceOpportunity {
  /** Key prefix `006`. */
  Id: string;
  Name: string;
  StageName: string;
  /** True once the stage is a closed one (Closed Won / Closed Lost). */
  IsClosed: boolean;
  AccountId: string | null;
  /** `YYYY-MM-DD`. */
  CloseDate: string;
}

/**
 * The role a Contact plays on an Opportunity: how a contact's opportunities are found
 * (`SELECT ... (SELECT Id FROM OpportunityContactRoles ...) FROM Contact`).
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunitycontactrole.htm
 */
export interface SalesforceOpportunityContactRole {
  /** Key prefix `00K`. */
  Id: string;
  ContactId: string;
  OpportunityId: string;
  IsPrimary: boolean;
  Role: string | null;
}

/** Mailchimp member statuses. https://mailchimp.com/developer/marketing/api/list-members/ */
export type MailchimpStatus = 'subscribed' | 'unsubscribed' | 'cleaned' | 'pending' | 'transactional' | 'archived';

/** A Mailchimp ADDRESS merge field. https://mailchimp.com/developer/marketing/docs/merge-fields/ */
export interface MailchimpAddress {
  addr1: string;
  addr2: string;
  city: string;
  state: string;
  zip: string;
  country: string;
}

/** One GDPR marketing permission on a member. */
export interface MailchimpMarketingPermission {
  marketing_permission_id: string;
  text: string;
  enabled: boolean;
}

/**
 * A Mailchimp list member (Marketing API v3).
 * https://mailchimp.com/developer/marketing/api/list-members/get-member-info/
 */
export interface MailchimpMember {
  /** MD5 of the lower-cased email address (the subscriber hash). */
  id: string;
  email_address: string;
  unique_email_id: string;
  contact_id: string;
  full_name: string;
  web_id: number;
  email_type: 'html' | 'text';
  status: MailchimpStatus;
  merge_fields: {
    FNAME: string;
    LNAME: string;
    PHONE: string;
    ADDRESS: MailchimpAddress | '';
    /** `MM/DD` (Mailchimp birthdays have no year). */
    BIRTHDAY: string;
  };
  interests: Record<string, boolean>;
  stats: { avg_open_rate: number; avg_click_rate: number };
  timestamp_signup: string;
  timestamp_opt: string;
  member_rating: number;
  /** `2025-03-01T10:20:30+00:00`. */
  last_changed: string;
  language: string;
  vip: boolean;
  marketing_permissions: MailchimpMarketingPermission[];
  source: string;
  tags_count: number;
  tags: { id: number; name: string }[];
  list_id: string;
}

/** Consent values in our SCIM extension. */
export type ScimConsentValue = 'granted' | 'denied' | 'pending' | 'unknown';

/** Our consent extension's schema URN (not an IETF one: RFC 7643 section 3.3 lets anyone define extensions). */
export const CONSENT_EXTENSION_URN = 'urn:customer-gateway:params:scim:schemas:extension:consent:2.0:User';
export const SCIM_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** The consent extension's attributes on a User. */
export interface ScimConsentExtension {
  emailMarketing: ScimConsentValue;
  smsMarketing: ScimConsentValue;
  phoneMarketing: ScimConsentValue;
}

/**
 * A SCIM 2.0 User (RFC 7643 section 4.1) with our consent extension.
 * https://datatracker.ietf.org/doc/html/rfc7643#section-4.1
 */
export interface ScimUser {
  schemas: string[];
  id: string;
  /** The Salesforce Contact Id, for users provisioned from the CRM. */
  externalId?: string;
  userName: string;
  name: { formatted: string; givenName: string; familyName: string };
  displayName: string;
  emails: { value: string; type: 'work' | 'home' | 'other'; primary: boolean }[];
  phoneNumbers: { value: string; type: 'mobile' | 'home' | 'work' }[];
  locale: string;
  active: boolean;
  meta: { resourceType: 'User'; created: string; lastModified: string; version: string; location: string };
  [CONSENT_EXTENSION_URN]: ScimConsentExtension;
}
