import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Options of {@link normalizePhone}. */
export interface NormalizePhoneOptions {
  /** The region assumed for numbers written without a country code (ISO 3166-1 alpha-2). @default 'GB' */
  defaultRegion?: CountryCode;
  /**
   * How strict: `valid` requires a number libphonenumber knows is assignable in its
   * region; `possible` only checks its length. @default 'valid'
   */
  strictness?: 'valid' | 'possible';
}

/**
 * The phone identity key: E.164 (`+447911123456`) via libphonenumber-js, or null when
 * the value is not a usable number (no key is made: a wrong key merges strangers).
 */
export function normalizePhone(raw: string | null | undefined, options: NormalizePhoneOptions = {}): string | null {
  const { defaultRegion = 'GB', strictness = 'valid' } = options;
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  // International "00" prefix: libphonenumber reads it only for the default region's own
  // exit code, so rewrite it to "+" first (e.g. 0044... from a GB form, 0033... from FR).
  const text = raw.trim().replace(/^00(?=[1-9])/, '+');
  const parsed = parsePhoneNumberFromString(text, defaultRegion);
  if (!parsed) return null;
  const ok = strictness === 'valid' ? parsed.isValid() : parsed.isPossible();
  return ok ? parsed.number : null;
}
