/**
 * The made-up names, places and numbering plans the population generator draws from.
 * Email domains are reserved ones (RFC 2606/6761) and phone numbers come from fixed
 * per-country templates keyed by the person's index, so no two people share a number.
 */

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** One country the population lives in. */
export interface CountryProfile {
  /** ISO 3166-1 alpha-2. */
  code: 'GB' | 'US' | 'DE' | 'FR' | 'NL';
  /** As a CRM user would type it into MailingCountry. */
  name: string;
  locale: string;
  /** Share of the population. */
  weight: number;
  cities: readonly { city: string; state: string; postalCode: (n: number) => string }[];
  streets: readonly string[];
  /** Street line from a house number and a street name, in the local order. */
  streetLine: (houseNumber: number, street: string) => string;
  /** E.164 numbers from the person's index: current mobile, an older mobile, a landline. */
  mobile: (index: number) => string;
  oldMobile: (index: number) => string;
  landline: (index: number) => string;
}

// US numbers: area code per kind, then an exchange and line derived from the index.
const usNumber = (area: string, index: number): string =>
  `+1${area}${200 + Math.floor(index / 10_000)}${pad(index % 10_000, 4)}`;

export const COUNTRIES: readonly CountryProfile[] = [
  {
    code: 'GB',
    name: 'United Kingdom',
    locale: 'en-GB',
    weight: 35,
    cities: [
      { city: 'London', state: '', postalCode: (n) => `SW${1 + (n % 20)} ${n % 10}AB` },
      { city: 'Manchester', state: '', postalCode: (n) => `M${1 + (n % 40)} ${n % 10}QD` },
      { city: 'Leeds', state: '', postalCode: (n) => `LS${1 + (n % 28)} ${n % 10}HX` },
      { city: 'Bristol', state: '', postalCode: (n) => `BS${1 + (n % 40)} ${n % 10}TP` },
    ],
    streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Park Avenue', 'Mill Lane'],
    streetLine: (house, street) => `${house} ${street}`,
    mobile: (i) => `+4474${pad(i, 8)}`,
    oldMobile: (i) => `+4478${pad(i, 8)}`,
    landline: (i) => `+44207${pad(i, 7)}`,
  },
  {
    code: 'US',
    name: 'United States',
    locale: 'en-US',
    weight: 25,
    cities: [
      { city: 'New York', state: 'NY', postalCode: (n) => `100${pad(n % 100, 2)}` },
      { city: 'Chicago', state: 'IL', postalCode: (n) => `606${pad(n % 100, 2)}` },
      { city: 'Seattle', state: 'WA', postalCode: (n) => `981${pad(n % 100, 2)}` },
      { city: 'Austin', state: 'TX', postalCode: (n) => `787${pad(n % 100, 2)}` },
    ],
    streets: ['Main Street', 'Oak Avenue', 'Maple Drive', 'Cedar Lane', 'Elm Street', 'Lakeview Road'],
    streetLine: (house, street) => `${house} ${street}`,
    mobile: (i) => usNumber('646', i),
    oldMobile: (i) => usNumber('917', i),
    landline: (i) => usNumber('718', i),
  },
  {
    code: 'DE',
    name: 'Germany',
    locale: 'de-DE',
    weight: 15,
    cities: [
      { city: 'Berlin', state: '', postalCode: (n) => `10${pad(100 + (n % 900), 3)}` },
      { city: 'München', state: '', postalCode: (n) => `80${pad(100 + (n % 900), 3)}` },
      { city: 'Köln', state: '', postalCode: (n) => `50${pad(100 + (n % 900), 3)}` },
    ],
    streets: ['Hauptstraße', 'Bahnhofstraße', 'Gartenweg', 'Schillerstraße', 'Lindenallee'],
    streetLine: (house, street) => `${street} ${house}`,
    mobile: (i) => `+49151${pad(i, 8)}`,
    oldMobile: (i) => `+49171${pad(i, 8)}`,
    landline: (i) => `+4930${pad(i, 8)}`,
  },
  {
    code: 'FR',
    name: 'France',
    locale: 'fr-FR',
    weight: 15,
    cities: [
      { city: 'Paris', state: '', postalCode: (n) => `750${pad(1 + (n % 20), 2)}` },
      { city: 'Lyon', state: '', postalCode: (n) => `6900${1 + (n % 9)}` },
      { city: 'Nantes', state: '', postalCode: (n) => `4400${n % 10}` },
    ],
    streets: ['rue de la Paix', 'avenue Victor Hugo', 'rue du Moulin', 'boulevard Voltaire', 'place de la Gare'],
    streetLine: (house, street) => `${house} ${street}`,
    mobile: (i) => `+336${pad(i, 8)}`,
    oldMobile: (i) => `+337${pad(i, 8)}`,
    landline: (i) => `+331${pad(i, 8)}`,
  },
  {
    code: 'NL',
    name: 'Netherlands',
    locale: 'nl-NL',
    weight: 10,
    cities: [
      { city: 'Amsterdam', state: '', postalCode: (n) => `10${pad(11 + (n % 89), 2)} ${'ABCDEFGH'[n % 8]}K` },
      { city: 'Utrecht', state: '', postalCode: (n) => `35${pad(11 + (n % 89), 2)} ${'ABCDEFGH'[n % 8]}L` },
    ],
    streets: ['Kerkstraat', 'Dorpsstraat', 'Molenweg', 'Schoolstraat', 'Prinsengracht'],
    streetLine: (house, street) => `${street} ${house}`,
    mobile: (i) => `+3161${pad(i, 7)}`,
    oldMobile: (i) => `+3162${pad(i, 7)}`,
    landline: (i) => `+3120${pad(i, 7)}`,
  },
];

export const GIVEN_NAMES: readonly string[] = [
  'Anna', 'James', 'Olivia', 'Liam', 'Sophie', 'Noah', 'Emma', 'Lucas', 'Mia', 'Oliver', 'Chloé', 'Hugo',
  'Lena', 'Felix', 'Isabella', 'Mateo', 'Amélie', 'Jonas', 'Grace', 'Daniel', 'Zoë', 'Samuel', 'Hannah', 'Leo',
  'Fatima', 'Omar', 'Priya', 'Arjun', 'Mei', 'Kenji', 'Aisha', 'Thomas', 'Julia', 'Max', 'Nora', 'Elias',
];

export const FAMILY_NAMES: readonly string[] = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Garcia', 'Martinez', 'Müller',
  'Schmidt', 'Schneider', 'Fischer', 'Martin', 'Bernard', 'Dubois', 'Lefèvre', 'de Vries', 'Jansen', 'Bakker',
  'Visser', 'Patel', 'Khan', 'Nguyen', 'Kowalski', "O'Brien", 'Murphy', 'Rossi', 'Silva', 'Andersson',
  'Okafor', 'Tanaka', 'Cohen', 'Novak', 'Horvath', 'Lindqvist',
];

/** Reserved example domains: nothing generated can reach a real mailbox. */
export const EMAIL_DOMAINS: readonly string[] = ['example.com', 'example.org', 'example.net', 'mail.example', 'inbox.example'];
export const WORK_EMAIL_DOMAIN = 'work.example';

export const ACCOUNT_NAMES: readonly string[] = [
  'Acme Holdings', 'Globex Ltd', 'Initech', 'Umbrella Retail', 'Stark Logistics', 'Wayne Foods', 'Hooli Europe',
  'Vandelay Imports', 'Soylent GmbH', 'Tyrell SARL', 'Cyberdyne BV', 'Wonka Confectionery',
];

export const OWNER_NAMES: readonly string[] = [
  'Alex Morgan', 'Sam Rivera', 'Jordan Lee', 'Casey Kim', 'Robin Fischer', 'Taylor Dubois',
];

export const TIERS: readonly string[] = ['Gold', 'Silver', 'Bronze'];

/** Opportunity stages: open ones, then the two closed ones. */
export const OPEN_OPPORTUNITY_STAGES: readonly string[] = ['Prospecting', 'Qualification', 'Proposal/Price Quote', 'Negotiation/Review'];
export const CLOSED_OPPORTUNITY_STAGES: readonly string[] = ['Closed Won', 'Closed Lost'];
export const OPPORTUNITY_PRODUCTS: readonly string[] = ['Annual plan', 'Upgrade', 'Renewal', 'Add-on seats', 'Support contract'];
export const OPPORTUNITY_ROLES: readonly string[] = ['Decision Maker', 'Economic Buyer', 'Influencer', 'Business User'];

/** The demo audience's name, as Mailchimp shows it. */
export const MAILCHIMP_AUDIENCE_NAME = 'Customers';

/** Interest categories ("group titles") of the demo audience. */
export const MAILCHIMP_INTEREST_CATEGORIES: readonly { id: string; title: string; type: 'checkboxes' | 'dropdown' | 'radio' | 'hidden' }[] = [
  { id: 'b7c2e41a09', title: 'What would you like to hear about?', type: 'checkboxes' },
  { id: 'd03f5a6e18', title: 'Deals', type: 'checkboxes' },
];

/** Mailchimp interest ("group name") ids of the demo audience, their names and categories. */
export const MAILCHIMP_INTERESTS: readonly { id: string; name: string; categoryId: string }[] = [
  { id: '9143cf3bd1', name: 'Newsletter', categoryId: 'b7c2e41a09' },
  { id: '3a2a927344', name: 'Product updates', categoryId: 'b7c2e41a09' },
  { id: 'f1b4e0a7c2', name: 'Events', categoryId: 'b7c2e41a09' },
  { id: '5d7e8c2b90', name: 'Offers', categoryId: 'd03f5a6e18' },
];

/** The GDPR marketing permissions of the demo audience. */
export const MAILCHIMP_PERMISSIONS: readonly { id: string; text: string; channel: 'email' | 'post' | 'ads' }[] = [
  { id: 'c7d5e0a1b2', text: 'Email', channel: 'email' },
  { id: 'a9b8c7d6e5', text: 'Direct Mail', channel: 'post' },
  { id: 'e1f2a3b4c5', text: 'Customized Online Advertising', channel: 'ads' },
];

export const MAILCHIMP_TAGS: readonly string[] = ['vip-event', 'webinar', 'loyalty', 'store-signup'];
export const MAILCHIMP_SOURCES: readonly string[] = ['API - Generic', 'Hosted Signup Form', 'Import', 'Admin Add'];
