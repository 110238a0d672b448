import { normalizeEmail } from '../identity/normalize-email';
import { normalizePhone } from '../identity/normalize-phone';
import type { ContactPointKind } from './consent-vocabulary';

// International form only: a national number ("07911 123456") is ambiguous without a
// region, and a consent must never land on the wrong person's number.
const internationalPrefix = /^(\+|00)/;

/**
 * The normalised form of a contact point: exactly the identity graph's key value
 * (DESIGN.md, identity keys), so a consent's contact point and the customer's email or
 * phone key compare equal: an email trimmed and lower-cased (normalizeEmail), a phone
 * number in E.164 (normalizePhone, which also reads the `00` prefix), anything else
 * trimmed. A phone must carry its country (`+44...` or `0044...`). Returns null when
 * the value is malformed for its kind.
 */
export function normaliseContactPoint(kind: ContactPointKind, value: string): string | null {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > 320 || trimmed.includes('\0')) return null;
  if (kind === 'email') return normalizeEmail(trimmed);
  if (kind === 'phone') return internationalPrefix.test(trimmed) ? normalizePhone(trimmed) : null;
  return trimmed;
}
