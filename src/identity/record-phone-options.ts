import { getCountries, type CountryCode } from 'libphonenumber-js';
import type { SourceRecord } from '../adapters/source-adapter';
import type { NormalizePhoneOptions } from './normalize-phone';

/**
 * Country names (English, as CRMs without country picklists hold them: "Germany",
 * "United States") to ISO codes, built from ICU's region names; plus common short forms.
 */
const countryByName: ReadonlyMap<string, CountryCode> = (() => {
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  const map = new Map<string, CountryCode>();
  for (const code of getCountries()) {
    map.set(code, code);
    const name = names.of(code);
    if (name) map.set(name.toUpperCase(), code);
  }
  for (const [alias, code] of [['UK', 'GB'], ['GREAT BRITAIN', 'GB'], ['USA', 'US'], ['UNITED STATES OF AMERICA', 'US']] as const) map.set(alias, code);
  return map;
})();

/**
 * The phone options for one record: a national number is read in the country of the
 * record's first address when it has one (a New York number written `(718) 200-0188`
 * is not a British number), else in the configured default region. The country may be
 * an ISO 3166-1 alpha-2 code or an English country name.
 */
export function recordPhoneOptions(record: SourceRecord, options: NormalizePhoneOptions = {}): NormalizePhoneOptions {
  const country = record.fields.addresses?.find((address) => address.country)?.country?.trim().toUpperCase();
  const code = country ? countryByName.get(country) : undefined;
  return code ? { ...options, defaultRegion: code } : options;
}
