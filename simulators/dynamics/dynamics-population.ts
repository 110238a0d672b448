import type { Population } from '../population/generate-population';
import { formatPhone } from '../population/phone-format';
import { COUNTRIES } from '../population/reference-data';
import { SeededRandom } from '../population/seeded-random';
import type { KindTruthRef } from '../simulator-kind';
import type { DynamicsContact } from './dynamics-contact';

/** Dynamics 365's slice of a population: its contacts, and whose each one is. */
export interface DynamicsPopulation {
  contacts: DynamicsContact[];
  truth: KindTruthRef[];
}

const DAY_MS = 86_400_000;
/** The population generator's default "now"; Dynamics' times are before it. */
const REFERENCE_TIME = Date.parse('2025-07-01T00:00:00Z');
const slices = new WeakMap<Population, DynamicsPopulation>();

/**
 * The Dataverse contacts of a population: a second CRM (a subsidiary's Dynamics 365)
 * holding about a third of the people already in the other systems, drawn from a
 * generator of its own so that the other systems' records stay exactly as they were for
 * a seed. It always holds the person's primary address (so exact keys still link it; in
 * any case) and, when they have one, their work address; it disagrees as such a CRM does:
 * phones typed in international format with spaces, an older address kept in
 * `emailaddress1` ahead of the current one, the maiden name, do-not flags that disagree
 * with the other systems' consent. Generated once per population (only when a Dynamics
 * simulator is started: the default demo never pays for it).
 */
export function dynamicsPopulation(population: Population): DynamicsPopulation {
  let slice = slices.get(population);
  if (slice) return slice;
  slice = generate(population);
  slices.set(population, slice);
  return slice;
}

function generate(population: Population): DynamicsPopulation {
  const rng = new SeededRandom(population.seed ^ 0x0d36_5c0a);
  const contacts: DynamicsContact[] = [];
  const truth: KindTruthRef[] = [];
  let version = 1_200_000;
  for (const [index, person] of population.people.entries()) {
    if (!rng.chance(person.records.length >= 2 ? 0.4 : 0.25)) continue;
    const country = COUNTRIES.find((candidate) => candidate.code === person.country) ?? COUNTRIES[0]!;
    const city = rng.pick(country.cities);
    const [primary, work] = person.emails;
    const olderEmail = rng.chance(0.2) ? `${primary!.split('@')[0]}.old${index}@mail.example.net` : undefined;
    const emails = [olderEmail, caseVariant(rng, primary!), work].filter((email): email is string => email !== undefined);
    const [mobile, ...others] = person.phones;
    const modified = REFERENCE_TIME - rng.int(1 * DAY_MS, 500 * DAY_MS);
    const created = modified - rng.int(30 * DAY_MS, 900 * DAY_MS);
    const lastname = person.previousFamilyName && rng.chance(0.5) ? person.previousFamilyName : person.familyName;
    const contactid = rng.uuid();
    version += rng.int(1, 40);
    contacts.push({
      contactid,
      firstname: person.givenName,
      lastname,
      fullname: `${person.givenName} ${lastname}`,
      emailaddress1: emails[0] ?? null,
      emailaddress2: emails[1] ?? null,
      emailaddress3: emails[2] ?? null,
      telephone1: others.length > 0 && rng.chance(0.4) ? formatPhone(others.at(-1)!, 'international') : null,
      telephone2: null,
      mobilephone: mobile && rng.chance(0.85) ? formatPhone(mobile, 'international') : null,
      address1_line1: country.streetLine(rng.int(1, 240), rng.pick(country.streets)),
      address1_city: city.city,
      address1_stateorprovince: city.state || null,
      address1_postalcode: city.postalCode(rng.int(0, 10_000)),
      address1_country: country.name,
      birthdate: rng.chance(0.6) ? person.birthDate : null,
      createdon: dataverseDateTime(created),
      modifiedon: dataverseDateTime(modified),
      versionnumber: version,
      statecode: rng.chance(0.97) ? 0 : 1,
      preferredcontactmethodcode: rng.weighted([1, 2, 3, 5] as const, () => 1),
      donotemail: rng.chance(0.04),
      donotbulkemail: !drift(rng, person.consent.emailMarketing),
      donotphone: !drift(rng, person.consent.phoneMarketing),
      donotfax: rng.chance(0.2),
      donotpostalmail: rng.chance(0.05),
      donotsendmm: rng.chance(0.15),
    });
    truth.push({ personId: person.personId, ref: { system: 'dynamics', recordId: contactid } });
  }
  return { contacts, truth };
}

/** The person's choice as this CRM holds it: right most of the time, stale sometimes (more often than the others: nobody syncs it). */
function drift(rng: SeededRandom, value: boolean): boolean {
  return rng.chance(0.15) ? !value : value;
}

/** An address as a sales rep typed it: sometimes with capitals. */
function caseVariant(rng: SeededRandom, email: string): string {
  return rng.chance(0.3) ? email.replace(/(^|[.@])([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase()) : email;
}

/** Dataverse's datetime format in JSON: UTC, whole seconds, `Z`. */
export function dataverseDateTime(ms: number): string {
  return new Date(ms - (ms % 1000)).toISOString().replace('.000Z', 'Z');
}
