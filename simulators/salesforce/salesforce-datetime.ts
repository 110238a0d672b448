/** Salesforce's datetime format in JSON: `2025-03-01T10:20:30.000+0000`. */
export function salesforceDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 23)}+0000`;
}
