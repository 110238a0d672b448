import { parsePhoneNumber } from 'libphonenumber-js';

/**
 * Formats E.164 numbers in national or international style with libphonenumber-js,
 * memoised per number shape: numbers that share their first digits and their length
 * get the same layout, so the layout libphonenumber chose for the first one is reused
 * for the rest (formatting 100,000 numbers one by one takes seconds). A test checks
 * the shortcut against libphonenumber-js over a sample.
 */

interface Layout {
  /** Digits of the country calling code (skipped when filling in). */
  callingCodeLength: number;
  /** The formatted first number, each national significant digit replaced by `#`. */
  mask: string;
}

const layouts = new Map<string, Layout>();
const SLOT = '#';

/** `+447400012345` -> `07400 012345` (national) or `+44 7400 012345` (international). */
export function formatPhone(e164: string, style: 'national' | 'international'): string {
  const key = `${style}:${e164.length}:${e164.slice(0, 9)}`;
  let layout = layouts.get(key);
  if (!layout) {
    const parsed = parsePhoneNumber(e164);
    const formatted = style === 'national' ? parsed.formatNational() : parsed.formatInternational();
    let remaining = parsed.nationalNumber.length;
    const chars = [...formatted];
    // The national significant digits come last and in order; what is left before them
    // (a trunk prefix such as 0, or +44) stays literal.
    for (let i = chars.length - 1; i >= 0 && remaining > 0; i -= 1) {
      if (/\d/.test(chars[i] as string)) {
        chars[i] = SLOT;
        remaining -= 1;
      }
    }
    layout = { callingCodeLength: parsed.countryCallingCode.length, mask: chars.join('') };
    layouts.set(key, layout);
  }
  const digits = e164.slice(1 + layout.callingCodeLength);
  let next = 0;
  return layout.mask.replace(/#/g, () => digits[next++] as string);
}
