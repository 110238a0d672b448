import { subscriberHash } from '../mailchimp/subscriber-hash';
import { salesforceDateTime } from '../salesforce/salesforce-datetime';
import { salesforceIdFor } from '../salesforce/salesforce-id';
import {
  ACCOUNT_NAMES,
  CLOSED_OPPORTUNITY_STAGES,
  COUNTRIES,
  EMAIL_DOMAINS,
  FAMILY_NAMES,
  GIVEN_NAMES,
  MAILCHIMP_INTERESTS,
  MAILCHIMP_PERMISSIONS,
  MAILCHIMP_SOURCES,
  MAILCHIMP_TAGS,
  OPEN_OPPORTUNITY_STAGES,
  OPPORTUNITY_PRODUCTS,
  OPPORTUNITY_ROLES,
  OWNER_NAMES,
  TIERS,
  WORK_EMAIL_DOMAIN,
} from './reference-data';
import { formatPhone } from './phone-format';
import { SeededRandom } from './seeded-random';
import {
  CONSENT_EXTENSION_URN,
  SCIM_USER_SCHEMA,
  type MailchimpMember,
  type MailchimpStatus,
  type SalesforceContact,
  type SalesforceOpportunity,
  type SalesforceOpportunityContactRole,
  type ScimConsentValue,
  type ScimUser,
} from './vendor-records';

/**
 * A deterministic synthetic population spread over the three source systems, in each
 * vendor's own record shape, with the mess identity resolution has to cope with: emails
 * in other case and with stray spaces, national vs E.164 phones, a changed phone or a
 * family name changed by marriage (the newer value carries the newer update time),
 * consent flags that disagree between systems, cross-reference ids, and people present
 * in only one system. No two people share an email or a phone, so the ground truth
 * (`truth`) is well-posed.
 */

/** The systems' names, as the ground truth and the simulators' descriptors use them (`people[].records` and `truth` hold the first three; Dynamics keeps its own slice, simulators/dynamics/dynamics-population.ts). */
export type PopulationSystem = 'salesforce' | 'mailchimp' | 'identity' | 'dynamics' | 'eloqua' | 'sapcdc';

/** A reference to one record of one system. */
export interface PopulationRecordRef {
  system: PopulationSystem;
  recordId: string;
}

/** One synthetic person, with their canonical (normalised) values. */
export interface Person {
  personId: string;
  givenName: string;
  familyName: string;
  /** The family name before marriage, when some system still holds it. */
  previousFamilyName?: string;
  /** Trimmed, lower-cased; the first is the primary one. */
  emails: string[];
  /** E.164; the current mobile first. */
  phones: string[];
  /** ISO 3166-1 alpha-2. */
  country: string;
  locale: string;
  birthDate: string;
  /** What the person really chose (systems may disagree with it). */
  consent: { emailMarketing: boolean; smsMarketing: boolean; phoneMarketing: boolean };
  records: PopulationRecordRef[];
}

/** Which records are the same person. */
export interface TruthEntry {
  personId: string;
  records: PopulationRecordRef[];
}

/** A generated population. */
export interface Population {
  seed: number;
  size: number;
  mailchimpListId: string;
  people: Person[];
  salesforceContacts: SalesforceContact[];
  /** The CRM's opportunities, and the contacts' roles on them (some contacts have none). */
  salesforceOpportunities: SalesforceOpportunity[];
  salesforceOpportunityContactRoles: SalesforceOpportunityContactRole[];
  mailchimpMembers: MailchimpMember[];
  scimUsers: ScimUser[];
  truth: TruthEntry[];
}

/** Options of `generatePopulation`. */
export interface GeneratePopulationOptions {
  /** Number of people, 1 to 1,000,000. */
  size: number;
  /** PRNG seed (an integer); the same seed gives the same population. @default 1 */
  seed?: number;
  /** The Mailchimp audience id members belong to. @default DEFAULT_MAILCHIMP_LIST_ID */
  mailchimpListId?: string;
  /** "Now" for update times, so output does not depend on the clock. @default '2025-07-01T00:00:00Z' */
  referenceTime?: string;
}

export const DEFAULT_MAILCHIMP_LIST_ID = 'a1b2c3d4e5';
export const MAX_POPULATION = 1_000_000;

const DAY_MS = 86_400_000;

/** Which systems a person is in, and how often (most in two or three, some in one). */
const MEMBERSHIPS: readonly { systems: readonly PopulationSystem[]; weight: number }[] = [
  { systems: ['salesforce', 'mailchimp', 'identity'], weight: 35 },
  { systems: ['salesforce', 'mailchimp'], weight: 20 },
  { systems: ['salesforce', 'identity'], weight: 10 },
  { systems: ['mailchimp', 'identity'], weight: 10 },
  { systems: ['salesforce'], weight: 10 },
  { systems: ['mailchimp'], weight: 10 },
  { systems: ['identity'], weight: 5 },
];

/** Generates `size` people and their vendor records, deterministically for a seed. */
export function generatePopulation(options: GeneratePopulationOptions): Population {
  const {
    size,
    seed = 1,
    mailchimpListId = DEFAULT_MAILCHIMP_LIST_ID,
    referenceTime = '2025-07-01T00:00:00Z',
  } = options;
  if (!Number.isInteger(size) || size < 1 || size > MAX_POPULATION) {
    throw new RangeError(`size must be an integer from 1 to ${MAX_POPULATION}, got ${String(size)}`);
  }
  const now = Date.parse(referenceTime);
  if (Number.isNaN(now)) throw new RangeError(`referenceTime must be an ISO 8601 datetime, got '${referenceTime}'`);
  const rng = new SeededRandom(seed);
  const population: Population = {
    seed,
    size,
    mailchimpListId,
    people: [],
    salesforceContacts: [],
    salesforceOpportunities: [],
    salesforceOpportunityContactRoles: [],
    mailchimpMembers: [],
    scimUsers: [],
    truth: [],
  };

  // A time `minDays`..`maxDays` before now, whole seconds.
  const pastTime = (minDays: number, maxDays: number): number => {
    const time = now - rng.int(minDays * DAY_MS, maxDays * DAY_MS);
    return time - (time % 1000);
  };

  for (let index = 0; index < size; index += 1) {
    const country = rng.weighted(COUNTRIES, (c) => c.weight);
    const givenName = rng.pick(GIVEN_NAMES);
    const familyName = rng.pick(FAMILY_NAMES);
    const systems = rng.weighted(MEMBERSHIPS, (m) => m.weight).systems;
    const inSf = systems.includes('salesforce');
    const inMc = systems.includes('mailchimp');
    const inId = systems.includes('identity');

    // The index is in every email and phone, so they are unique across people.
    const primaryEmail = `${asciiLocal(givenName)}.${asciiLocal(familyName)}${index}@${rng.pick(EMAIL_DOMAINS)}`;
    const hasWorkEmail = rng.chance(0.06);
    const workEmail = `${asciiLocal(givenName).slice(0, 1)}${asciiLocal(familyName)}${index}@${WORK_EMAIL_DOMAIN}`;
    // The CRM still has the maiden name; the systems the person updated since have the new one.
    const married = inSf && systems.length > 1 && rng.chance(0.05);
    const otherFamilyName = rng.pick(FAMILY_NAMES);
    const previousFamilyName = married && otherFamilyName !== familyName ? otherFamilyName : undefined;
    // A changed mobile: the CRM still has the old one (only meaningful when the CRM is not alone).
    const phoneChanged = inSf && systems.length > 1 && rng.chance(0.12) && !(hasWorkEmail && inMc && !inId);
    const hasLandline = rng.chance(0.3);
    const mobile = country.mobile(index);
    const oldMobile = country.oldMobile(index);
    const landline = country.landline(index);
    const birthDate = isoDate(Date.UTC(rng.int(1950, 2006), rng.int(0, 12), rng.int(1, 29)));
    const consent = {
      emailMarketing: rng.chance(0.6),
      smsMarketing: rng.chance(0.4),
      phoneMarketing: rng.chance(0.3),
    };
    const city = rng.pick(country.cities);
    const address = {
      street: country.streetLine(rng.int(1, 240), rng.pick(country.streets)),
      city: city.city,
      state: city.state,
      postalCode: city.postalCode(rng.int(0, 10_000)),
    };

    const person: Person = {
      personId: `person-${String(index + 1).padStart(7, '0')}`,
      givenName,
      familyName,
      ...(previousFamilyName ? { previousFamilyName } : {}),
      emails: hasWorkEmail ? [primaryEmail, workEmail] : [primaryEmail],
      phones: [mobile, ...(phoneChanged ? [oldMobile] : []), ...(hasLandline ? [landline] : [])],
      country: country.code,
      locale: country.locale,
      birthDate,
      consent,
      records: [],
    };

    // Update times: when values conflict, the system holding the newer value changed last.
    const oldTime = pastTime(400, 730);
    const recentTime = (): number => pastTime(1, 399);

    let contactId: string | undefined;
    if (inSf) {
      contactId = salesforceIdFor('003', population.salesforceContacts.length + 1);
      const modified = previousFamilyName !== undefined || phoneChanged ? oldTime : recentTime();
      const created = modified - rng.int(30, 900) * DAY_MS;
      const hasAccount = rng.chance(0.6);
      const accountIndex = rng.int(0, ACCOUNT_NAMES.length);
      const ownerIndex = rng.int(0, OWNER_NAMES.length);
      population.salesforceContacts.push({
        Id: contactId,
        FirstName: givenName,
        LastName: previousFamilyName ?? familyName,
        Email: emailVariant(rng, primaryEmail, false),
        // The CRM keeps numbers in national format; MailingCountry says which nation.
        Phone: hasLandline ? nationalFormat(landline) : null,
        MobilePhone: nationalFormat(phoneChanged ? oldMobile : mobile),
        MailingStreet: address.street,
        MailingCity: address.city,
        MailingPostalCode: address.postalCode,
        MailingCountry: country.name,
        Birthdate: rng.chance(0.7) ? birthDate : null,
        CreatedDate: salesforceDateTime(new Date(created)),
        LastModifiedDate: salesforceDateTime(new Date(modified)),
        HasOptedOutOfEmail: !drift(rng, consent.emailMarketing),
        DoNotCall: !drift(rng, consent.phoneMarketing),
        HasOptedOutOfFax: rng.chance(0.1),
        AccountId: hasAccount ? salesforceIdFor('001', accountIndex + 1) : null,
        Account: hasAccount ? { Name: ACCOUNT_NAMES[accountIndex] as string } : null,
        OwnerId: salesforceIdFor('005', ownerIndex + 1),
        Owner: { Name: OWNER_NAMES[ownerIndex] as string },
        Tier__c: rng.chance(0.7) ? rng.pick(TIERS) : null,
        Lifetime_Value__c: rng.chance(0.8) ? Math.round(rng.next() * 5_000_000) / 100 : null,
        Open_Cases__c: rng.int(0, 6),
      });
      person.records.push({ system: 'salesforce', recordId: contactId });
    }

    if (inMc) {
      // A person with a work email signed up to the newsletter with it; the CRM has the other.
      const email = emailVariant(rng, hasWorkEmail ? workEmail : primaryEmail, false);
      const lastChanged = recentTime();
      const status = mailchimpStatus(rng, drift(rng, consent.emailMarketing));
      // When only the phone can link this member to the CRM record, the member must carry it.
      const mustHavePhone = hasWorkEmail && inSf && !inId;
      const interests: Record<string, boolean> = {};
      for (const interest of MAILCHIMP_INTERESTS) interests[interest.id] = rng.chance(0.4);
      const tags = MAILCHIMP_TAGS.filter(() => rng.chance(0.15)).map((name) => ({
        id: 1000 + MAILCHIMP_TAGS.indexOf(name),
        name,
      }));
      const signup = lastChanged - rng.int(1, 600) * DAY_MS;
      const memberId = subscriberHash(email);
      population.mailchimpMembers.push({
        id: memberId,
        email_address: email,
        unique_email_id: rng.hex(10),
        contact_id: rng.hex(32),
        full_name: `${givenName} ${familyName}`,
        web_id: 100_000_000 + index,
        email_type: 'html',
        status,
        merge_fields: {
          FNAME: givenName,
          LNAME: familyName,
          PHONE: mustHavePhone || rng.chance(0.7) ? (rng.chance(0.5) ? mobile : internationalFormat(mobile)) : '',
          ADDRESS: rng.chance(0.5)
            ? { addr1: address.street, addr2: '', city: address.city, state: address.state, zip: address.postalCode, country: country.code }
            : '',
          BIRTHDAY: rng.chance(0.4) ? `${birthDate.slice(5, 7)}/${birthDate.slice(8, 10)}` : '',
        },
        interests,
        stats: { avg_open_rate: Math.round(rng.next() * 100) / 100, avg_click_rate: Math.round(rng.next() * 30) / 100 },
        timestamp_signup: mailchimpDateTime(signup),
        timestamp_opt: status === 'pending' ? '' : mailchimpDateTime(signup + 60_000),
        member_rating: rng.int(1, 6),
        last_changed: mailchimpDateTime(lastChanged),
        language: country.locale.slice(0, 2),
        vip: rng.chance(0.02),
        marketing_permissions: MAILCHIMP_PERMISSIONS.map((permission) => ({
          marketing_permission_id: permission.id,
          text: permission.text,
          enabled: permission.channel === 'email' ? status === 'subscribed' : rng.chance(0.3),
        })),
        source: rng.pick(MAILCHIMP_SOURCES),
        tags_count: tags.length,
        tags,
        list_id: mailchimpListId,
      });
      person.records.push({ system: 'mailchimp', recordId: memberId });
    }

    if (inId) {
      const id = rng.uuid();
      const modified = recentTime();
      const created = modified - rng.int(1, 900) * DAY_MS;
      const userNameEmail = emailVariant(rng, primaryEmail, false);
      const emails: ScimUser['emails'] = [{ value: emailVariant(rng, primaryEmail, true), type: 'home', primary: true }];
      if (hasWorkEmail) emails.push({ value: emailVariant(rng, workEmail, true), type: 'work', primary: false });
      const phoneNumbers: ScimUser['phoneNumbers'] = [
        { value: rng.chance(0.6) ? mobile : internationalFormat(mobile), type: 'mobile' },
      ];
      if (hasLandline && rng.chance(0.5)) phoneNumbers.push({ value: landline, type: 'home' });
      population.scimUsers.push({
        schemas: [SCIM_USER_SCHEMA, CONSENT_EXTENSION_URN],
        id,
        // Users provisioned from the CRM carry the Contact Id (a cross-reference).
        ...(contactId && rng.chance(0.4) ? { externalId: contactId } : {}),
        userName: userNameEmail,
        name: { formatted: `${givenName} ${familyName}`, givenName, familyName },
        displayName: `${givenName} ${familyName}`,
        emails,
        phoneNumbers,
        locale: country.locale,
        active: rng.chance(0.95),
        meta: {
          resourceType: 'User',
          created: new Date(created).toISOString().replace('.000Z', 'Z'),
          lastModified: new Date(modified).toISOString().replace('.000Z', 'Z'),
          version: `W/"${rng.hex(16)}"`,
          location: `/scim/v2/Users/${id}`,
        },
        [CONSENT_EXTENSION_URN]: {
          emailMarketing: scimConsent(rng, consent.emailMarketing),
          smsMarketing: scimConsent(rng, consent.smsMarketing),
          phoneMarketing: scimConsent(rng, consent.phoneMarketing),
        },
      });
      person.records.push({ system: 'identity', recordId: id });
    }

    population.people.push(person);
    population.truth.push({ personId: person.personId, records: person.records });
  }
  addOpportunities(population, seed, now);
  return population;
}

/**
 * Opportunities for some contacts, each with the contact's role on it: open ones (the
 * CRM view's `openOpportunities`) and closed ones (which it must not count). Drawn from a
 * generator of their own, so the people and records above stay as they were for a seed.
 */
function addOpportunities(population: Population, seed: number, now: number): void {
  const rng = new SeededRandom(seed ^ 0x0ff0_5eed);
  for (const contact of population.salesforceContacts) {
    const count = rng.weighted([0, 0, 0, 1, 1, 2, 3], () => 1);
    for (let n = 0; n < count; n += 1) {
      const closed = rng.chance(0.4);
      const opportunityId = salesforceIdFor('006', population.salesforceOpportunities.length + 1);
      population.salesforceOpportunities.push({
        Id: opportunityId,
        Name: `${contact.Account?.Name ?? `${contact.FirstName ?? ''} ${contact.LastName}`.trim()} - ${rng.pick(OPPORTUNITY_PRODUCTS)}`,
        StageName: rng.pick(closed ? CLOSED_OPPORTUNITY_STAGES : OPEN_OPPORTUNITY_STAGES),
        IsClosed: closed,
        AccountId: contact.AccountId,
        CloseDate: isoDate(now + (closed ? -1 : 1) * rng.int(1, 180) * DAY_MS),
      });
      population.salesforceOpportunityContactRoles.push({
        Id: salesforceIdFor('00K', population.salesforceOpportunityContactRoles.length + 1),
        ContactId: contact.Id,
        OpportunityId: opportunityId,
        IsPrimary: true,
        Role: rng.pick(OPPORTUNITY_ROLES),
      });
    }
  }
}

const asciiNames = new Map<string, string>();

/** A name as it may appear in an email's local part (ASCII letters only). */
function asciiLocal(name: string): string {
  let ascii = asciiNames.get(name);
  if (ascii === undefined) {
    ascii = name
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z]/g, '');
    asciiNames.set(name, ascii);
  }
  return ascii;
}

/** The same address as a person or a system might have typed it: other case, maybe stray spaces. */
function emailVariant(rng: SeededRandom, email: string, allowSpaces: boolean): string {
  let out = email;
  const r = rng.next();
  if (r < 0.25) out = email.replace(/(^|[.@])([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
  else if (r < 0.3) out = email.toUpperCase();
  if (allowSpaces && rng.chance(0.12)) out = rng.chance(0.5) ? ` ${out}` : `${out}  `;
  return out;
}

/** The person's choice as a system holds it: right most of the time, stale sometimes. */
function drift(rng: SeededRandom, value: boolean): boolean {
  return rng.chance(0.1) ? !value : value;
}

function mailchimpStatus(rng: SeededRandom, subscribed: boolean): MailchimpStatus {
  const r = rng.next();
  if (subscribed) return r < 0.06 ? 'pending' : 'subscribed';
  if (r < 0.08) return 'cleaned';
  if (r < 0.12) return 'transactional';
  return 'unsubscribed';
}

function scimConsent(rng: SeededRandom, value: boolean): ScimConsentValue {
  const r = rng.next();
  if (r < 0.05) return 'unknown';
  if (r < 0.08) return 'pending';
  return drift(rng, value) ? 'granted' : 'denied';
}

function nationalFormat(e164: string): string {
  return formatPhone(e164, 'national');
}

function internationalFormat(e164: string): string {
  return formatPhone(e164, 'international');
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Mailchimp's datetime format: `2025-03-01T10:20:30+00:00`. */
function mailchimpDateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

