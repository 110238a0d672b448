import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * The ways a source may have written a phone number: as given, E.164, national and
 * international format (`+447700900123`, `07700 900123`, `+44 7700 900123`). Sources
 * match phone values as text (the CRM keeps national format), so a lookup asks for each.
 * A national form can collide with another country's number: the identity layer
 * normalises what comes back before it links anything.
 */
export function phoneVariants(value: string): string[] {
  const given = value.trim();
  const parsed = parsePhoneNumberFromString(given.replace(/^00(?=[1-9])/, '+'));
  const variants = parsed ? [given, parsed.number, parsed.formatNational(), parsed.formatInternational()] : [given];
  return [...new Set(variants.filter((variant) => variant !== ''))];
}
