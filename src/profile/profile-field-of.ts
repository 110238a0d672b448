/**
 * Which profile field a canonical field name of an adapter's `providedFields` feeds:
 * `givenName` and `familyName` feed `name`, `crm.tier` feeds `crm`, `emails` itself.
 */
export function profileFieldOf(provided: string): string {
  return provided === 'givenName' || provided === 'familyName' ? 'name' : provided.split('.')[0]!;
}
