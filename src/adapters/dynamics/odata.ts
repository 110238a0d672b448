/**
 * An OData string literal: single quotes, a quote inside doubled, so a value can never
 * end the literal and add clauses to a `$filter`. (Percent-encoding is the URL layer's.)
 * https://docs.oasis-open.org/odata/odata/v4.01/odata-v4.01-part2-url-conventions.html#sec_URLComponents
 */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `column eq 'a' or column eq 'b' ...` over several columns and values. */
export function odataAnyEquals(columns: readonly string[], values: readonly string[]): string {
  return columns.flatMap((column) => values.map((value) => `${column} eq ${odataString(value)}`)).join(' or ');
}

/**
 * Whether a value is a GUID, the only form a Dataverse primary key takes. One malformed
 * value in an `In(...)` filter fails the whole query (400), so such an id is answered as a
 * miss instead of being sent.
 */
export function isGuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
