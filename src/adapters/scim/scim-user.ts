/**
 * A SCIM 2.0 User (RFC 7643 section 4.1) with our consent extension: the attributes
 * the adapter reads. https://datatracker.ietf.org/doc/html/rfc7643#section-4.1
 */
export interface ScimUser {
  schemas?: string[];
  id: string;
  /** Set by the provisioning client; here, the Salesforce Contact Id. */
  externalId?: string;
  userName?: string;
  name?: { formatted?: string; givenName?: string; familyName?: string };
  displayName?: string;
  emails?: { value?: string; type?: string; primary?: boolean }[];
  phoneNumbers?: { value?: string; type?: string }[];
  locale?: string;
  active?: boolean;
  meta?: { resourceType?: string; created?: string; lastModified?: string; version?: string; location?: string };
  [extension: string]: unknown;
}

/**
 * Our consent extension's schema URN. Not an IETF URN: RFC 7643 section 3.3 lets a
 * service provider define extensions; the identity system declares it in /Schemas.
 */
export const CONSENT_EXTENSION_URN = 'urn:customer-gateway:params:scim:schemas:extension:consent:2.0:User';

/** Channel x purpose -> the extension attribute holding it. Values are granted, denied, pending or unknown. */
export const scimConsentAttributes: Readonly<Record<string, { channel: string; purpose: string }>> = Object.freeze({
  emailMarketing: { channel: 'EMAIL', purpose: 'MARKETING' },
  smsMarketing: { channel: 'SMS', purpose: 'MARKETING' },
  phoneMarketing: { channel: 'PHONE', purpose: 'MARKETING' },
});

/** A SCIM ListResponse (RFC 7644 section 3.4.2). */
export interface ScimListResponse<T> {
  totalResults: number;
  startIndex?: number;
  itemsPerPage?: number;
  Resources?: T[];
}
