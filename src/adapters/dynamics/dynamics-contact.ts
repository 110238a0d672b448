/**
 * A Dataverse `contact` row as the Web API returns it: the columns the adapter selects,
 * each possibly null, plus the row's `@odata.etag`.
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/entities/contact
 */
export interface DynamicsContact {
  '@odata.etag'?: string;
  contactid: string;
  firstname?: string | null;
  lastname?: string | null;
  emailaddress1?: string | null;
  emailaddress2?: string | null;
  emailaddress3?: string | null;
  telephone1?: string | null;
  telephone2?: string | null;
  mobilephone?: string | null;
  address1_line1?: string | null;
  address1_city?: string | null;
  address1_stateorprovince?: string | null;
  address1_postalcode?: string | null;
  address1_country?: string | null;
  /** Date only, `YYYY-MM-DD`. */
  birthdate?: string | null;
  /** UTC, `2025-03-01T10:20:30Z`. */
  modifiedon?: string | null;
  donotemail?: boolean | null;
  donotbulkemail?: boolean | null;
  donotphone?: boolean | null;
  donotfax?: boolean | null;
  donotpostalmail?: boolean | null;
  donotsendmm?: boolean | null;
}

/**
 * The contact's "do not" columns, each the refusal of one channel x purpose. Two pairs of
 * them nest: `donotemail` refuses all email and `donotbulkemail` marketing (bulk) email;
 * `donotpostalmail` refuses all mail and `donotsendmm` ("Send Marketing Materials: Do Not
 * Send") marketing mail. So the "all" columns are the SERVICE purpose and the others
 * MARKETING, one column per pair, read and written alike. `donotfax` is reported as FAX, a
 * channel the default vocabulary lacks (drift shows it once a deployment adds FAX).
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/entities/contact#BKMK_DoNotBulkEMail
 */
export const dynamicsConsentColumns = Object.freeze([
  { column: 'donotbulkemail', channel: 'EMAIL', purpose: 'MARKETING' },
  { column: 'donotemail', channel: 'EMAIL', purpose: 'SERVICE' },
  { column: 'donotphone', channel: 'PHONE', purpose: 'MARKETING' },
  { column: 'donotfax', channel: 'FAX', purpose: 'MARKETING' },
  { column: 'donotsendmm', channel: 'POSTAL', purpose: 'MARKETING' },
  { column: 'donotpostalmail', channel: 'POSTAL', purpose: 'SERVICE' },
] as const);

/** Every column a read selects (`$select`: Dataverse answers every column without one, hundreds). */
export const DYNAMICS_CONTACT_COLUMNS: readonly string[] = Object.freeze([
  'contactid', 'firstname', 'lastname', 'emailaddress1', 'emailaddress2', 'emailaddress3', 'telephone1', 'telephone2',
  'mobilephone', 'address1_line1', 'address1_city', 'address1_stateorprovince', 'address1_postalcode', 'address1_country',
  'birthdate', 'modifiedon', ...dynamicsConsentColumns.map((entry) => entry.column),
]);

/** A page of a Web API collection answer. */
export interface ODataPage<R> {
  value: R[];
  /** The next page (server-driven paging), absolute. */
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}
