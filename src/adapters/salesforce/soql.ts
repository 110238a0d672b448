/**
 * A SOQL string literal: quotes and backslashes (and the control characters SOQL has
 * escapes for) are escaped, so a value can never end the literal and change the query.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
 */
export function soqlString(value: string): string {
  const escapes: Record<string, string> = {
    '\\': '\\\\',
    "'": "\\'",
    '"': '\\"',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\b': '\\b',
    '\f': '\\f',
  };
  return `'${value.replace(/[\\'"\n\r\t\b\f]/g, (ch) => escapes[ch]!)}'`;
}

/**
 * A SOQL datetime literal (unquoted, UTC). Salesforce stores whole seconds, so the
 * documented `YYYY-MM-DDThh:mm:ssZ` form is used; milliseconds only when present.
 */
export function soqlDatetime(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, 'Z');
}
