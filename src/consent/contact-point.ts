import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { ContactPointKind } from './consent-vocabulary';

// Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is the ESP's job.
const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The normalised form of a contact point (DESIGN.md, identity keys): an email trimmed
 * and lower-cased, a phone number in E.164 (libphonenumber-js, which needs a `+`
 * country prefix since no default country is assumed), anything else trimmed.
 * Returns null when the value is malformed for its kind.
 */
export function normaliseContactPoint(kind: ContactPointKind, value: string): string | null {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > 320 || trimmed.includes('\0')) return null;
  if (kind === 'email') {
    const email = trimmed.toLowerCase();
    return emailShape.test(email) ? email : null;
  }
  if (kind === 'phone') {
    const phone = parsePhoneNumberFromString(trimmed);
    return phone && phone.isValid() ? phone.number : null;
  }
  return trimmed;
}
