/**
 * A Contact as the Salesforce REST API returns it: the fields the adapter asks for,
 * each possibly absent (a field map can leave custom fields out) or null.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_contact.htm
 */
export interface SalesforceContact {
  attributes?: { type: string; url: string };
  Id: string;
  FirstName?: string | null;
  LastName?: string | null;
  Email?: string | null;
  Phone?: string | null;
  MobilePhone?: string | null;
  MailingStreet?: string | null;
  MailingCity?: string | null;
  MailingState?: string | null;
  MailingPostalCode?: string | null;
  MailingCountry?: string | null;
  Birthdate?: string | null;
  /** `2025-03-01T10:20:30.000+0000`. */
  LastModifiedDate?: string | null;
  HasOptedOutOfEmail?: boolean | null;
  DoNotCall?: boolean | null;
  HasOptedOutOfFax?: boolean | null;
  /** Relationship fields arrive as nested objects (SOQL only). */
  Account?: { Name?: string | null } | null;
  Owner?: { Name?: string | null } | null;
  /** The parent-to-child subquery on the contact's opportunity roles: null when it matched none. */
  OpportunityContactRoles?: { totalSize: number; done: boolean; records: unknown[] } | null;
  /** Custom fields, named by the system's field map. */
  [field: string]: unknown;
}

/** The CRM facts a Contact's custom fields may carry, and their default API names. */
export const defaultSalesforceFieldMap = Object.freeze({
  tier: 'Tier__c',
  lifetimeValue: 'Lifetime_Value__c',
  openCases: 'Open_Cases__c',
});

/** Canonical CRM fact -> Contact field API name (custom fields differ per org). */
export type SalesforceFieldMap = Partial<Record<keyof typeof defaultSalesforceFieldMap, string>>;
