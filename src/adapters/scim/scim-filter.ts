/**
 * A SCIM filter comparison `attrPath eq "value"`. The value is a JSON string (RFC 7644
 * section 3.4.2.2: compValue is a JSON string literal), so quotes and backslashes are
 * escaped and a value can never end the literal and add clauses.
 * https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export function scimEquals(attributePath: string, value: string): string {
  if (!/^[A-Za-z][\w.:-]*$/.test(attributePath)) throw new TypeError(`scimEquals: ${attributePath} is not an attribute path`);
  return `${attributePath} eq ${JSON.stringify(value)}`;
}
