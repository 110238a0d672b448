/**
 * A Dataverse `contact` row as the Web API returns it (the columns the simulator holds),
 * logical names as Microsoft's table reference spells them. Dates and times are UTC
 * `2025-03-01T10:20:30Z`; `birthdate` is a date-only column, `YYYY-MM-DD`.
 * https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/entities/contact
 */
export interface DynamicsContact {
  /** The primary key, a GUID. */
  contactid: string;
  firstname: string | null;
  lastname: string | null;
  /** Computed by Dataverse from first and last name (read-only). */
  fullname: string | null;
  emailaddress1: string | null;
  emailaddress2: string | null;
  emailaddress3: string | null;
  /** Business phone. */
  telephone1: string | null;
  /** Home phone. */
  telephone2: string | null;
  mobilephone: string | null;
  address1_line1: string | null;
  address1_city: string | null;
  address1_stateorprovince: string | null;
  address1_postalcode: string | null;
  /** Free text, as a user typed it. */
  address1_country: string | null;
  birthdate: string | null;
  createdon: string;
  modifiedon: string;
  /** The row version (SQL rowversion, global and increasing); the ETag is `W/"<versionnumber>"`. */
  versionnumber: number;
  /** 0 Active, 1 Inactive. */
  statecode: 0 | 1;
  /** Preferred method of contact: 1 Any, 2 Email, 3 Phone, 4 Fax, 5 Mail. */
  preferredcontactmethodcode: 1 | 2 | 3 | 4 | 5;
  /** "Do not allow Emails": no email at all. */
  donotemail: boolean;
  /** "Do not allow Bulk Emails": no marketing email. */
  donotbulkemail: boolean;
  /** "Do not allow Phone Calls". */
  donotphone: boolean;
  /** "Do not allow Faxes". */
  donotfax: boolean;
  /** "Do not allow Mails": no postal mail at all. */
  donotpostalmail: boolean;
  /** "Send Marketing Materials": true means do not send marketing materials. */
  donotsendmm: boolean;
}

/** The columns a PATCH may set (the rest are system columns or computed). */
export const WRITABLE_CONTACT_COLUMNS: ReadonlySet<string> = new Set([
  'firstname', 'lastname', 'emailaddress1', 'emailaddress2', 'emailaddress3', 'telephone1', 'telephone2', 'mobilephone',
  'address1_line1', 'address1_city', 'address1_stateorprovince', 'address1_postalcode', 'address1_country', 'birthdate',
  'preferredcontactmethodcode', 'donotemail', 'donotbulkemail', 'donotphone', 'donotfax', 'donotpostalmail', 'donotsendmm',
]);

/** Every column a `$select` or `$filter` may name. */
export const CONTACT_COLUMNS: ReadonlySet<string> = new Set([
  ...WRITABLE_CONTACT_COLUMNS, 'contactid', 'fullname', 'createdon', 'modifiedon', 'versionnumber', 'statecode',
]);

/** The boolean columns (a PATCH must send them as JSON booleans). */
export const BOOLEAN_CONTACT_COLUMNS: ReadonlySet<string> = new Set([
  'donotemail', 'donotbulkemail', 'donotphone', 'donotfax', 'donotpostalmail', 'donotsendmm',
]);
