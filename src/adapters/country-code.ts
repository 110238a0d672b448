/**
 * Countries as vendors hold them, to the ISO 3166-1 alpha-2 code the API promises.
 * Salesforce without State and Country/Territory Picklists keeps `MailingCountry` as the
 * user typed it ("United Kingdom", "UK", "Deutschland"); Mailchimp's ADDRESS merge field
 * holds a code. Names are matched in the languages of the markets the gateway serves
 * (Intl.DisplayNames, no table of our own to drift), ignoring case, accents and
 * punctuation, plus the usual informal names.
 * A value that names no country is left out rather than passed on as if it were a code.
 * https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.admin_state_country_picklists_standard_countries.htm
 * https://www.iso.org/iso-3166-country-codes.html
 */

/** The 249 officially assigned ISO 3166-1 alpha-2 codes. */
const ISO_CODES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO ' +
    'JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR ' +
    'MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO ' +
    'RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV ' +
    'TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/** Languages whose country names are recognised. */
const NAME_LANGUAGES = ['en', 'de', 'fr', 'nl', 'es', 'it', 'pt'];

/** Informal names no display-name table carries. */
const INFORMAL: Readonly<Record<string, string>> = {
  uk: 'GB',
  greatbritain: 'GB',
  britain: 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  northernireland: 'GB',
  usa: 'US',
  us: 'US',
  unitedstatesofamerica: 'US',
  america: 'US',
  holland: 'NL',
  thenetherlands: 'NL',
};

let byName: Map<string, string> | undefined;

/** Lower case, no accents, letters only: "Royaume-Uni" and "royaume uni" compare equal. */
function nameKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

function namesToCodes(): Map<string, string> {
  const names = new Map<string, string>(Object.entries(INFORMAL));
  for (const language of NAME_LANGUAGES) {
    const display = new Intl.DisplayNames([language], { type: 'region', fallback: 'none' });
    for (const code of ISO_CODES) {
      const name = display.of(code);
      if (name && !names.has(nameKey(name))) names.set(nameKey(name), code);
    }
  }
  return names;
}

/** The ISO 3166-1 alpha-2 code of a country given as a code or a name, or undefined when it names none. */
export function countryCode(value: string | null | undefined): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^[A-Za-z]{2}$/.test(text) && ISO_CODES.has(text.toUpperCase())) return text.toUpperCase();
  byName ??= namesToCodes();
  return byName.get(nameKey(text));
}
