import type { Population } from '../population/generate-population';
import { formatPhone } from '../population/phone-format';
import { COUNTRIES } from '../population/reference-data';
import { SeededRandom } from '../population/seeded-random';
import type { KindTruthRef } from '../simulator-kind';
import { ELOQUA_EMAIL_GROUPS, type EloquaContact } from './eloqua-contact';

/** Oracle Eloqua's slice of a population: its contacts, their email group subscriptions, and whose each contact is. */
export interface EloquaPopulation {
  contacts: EloquaContact[];
  /** Per contact id, per email group id, whether the contact is subscribed (a group never joined is absent). */
  groupSubscriptions: Map<string, Map<string, boolean>>;
  truth: KindTruthRef[];
}

const DAY_MS = 86_400_000;
/** The population generator's default "now"; Eloqua's times are before it. */
const REFERENCE_TIME = Date.parse('2025-07-01T00:00:00Z');
const slices = new WeakMap<Population, EloquaPopulation>();

/**
 * The Eloqua contacts of a population: a second email platform (the marketing team's
 * automation tool beside the newsletter ESP) holding about a third of the people already
 * in the other systems, drawn from a generator of its own so that the others' records stay
 * as they were for a seed. Eloqua keys contacts by email address, so each holds the
 * person's primary address (in any case: imports upper-case it at times), or their work
 * address when they have one and the import came from a trade show; it disagrees as such a
 * tool does: mobile numbers in international format, an office number, a postcode without
 * a city, global unsubscribes and group choices that differ from the other systems, a few
 * hard bounces. Generated once per population, only when an Eloqua simulator is started.
 */
export function eloquaPopulation(population: Population): EloquaPopulation {
  let slice = slices.get(population);
  if (slice) return slice;
  slice = generate(population);
  slices.set(population, slice);
  return slice;
}

function generate(population: Population): EloquaPopulation {
  const rng = new SeededRandom(population.seed ^ 0x0e10_0a5a);
  const contacts: EloquaContact[] = [];
  const groupSubscriptions = new Map<string, Map<string, boolean>>();
  const truth: KindTruthRef[] = [];
  let nextId = 100_000;
  for (const person of population.people) {
    if (!rng.chance(person.records.length >= 2 ? 0.4 : 0.2)) continue;
    const country = COUNTRIES.find((candidate) => candidate.code === person.country) ?? COUNTRIES[0]!;
    const city = rng.pick(country.cities);
    const [primary, work] = person.emails;
    const email = work && rng.chance(0.15) ? work : primary!;
    const [mobile, ...others] = person.phones;
    const updated = REFERENCE_TIME - rng.int(1 * DAY_MS, 400 * DAY_MS);
    const created = updated - rng.int(10 * DAY_MS, 700 * DAY_MS);
    nextId += rng.int(1, 30);
    const id = String(nextId);
    const subscribed = rng.chance(0.12) ? !person.consent.emailMarketing : person.consent.emailMarketing;
    const address = rng.chance(0.8);
    const emailAddress = rng.chance(0.1) ? email.toUpperCase() : email;
    contacts.push({
      type: 'Contact',
      id,
      emailAddress,
      name: emailAddress,
      firstName: person.givenName,
      lastName: person.familyName,
      mobilePhone: mobile && rng.chance(0.7) ? formatPhone(mobile, 'international') : undefined,
      businessPhone: others.length > 0 && rng.chance(0.3) ? formatPhone(others.at(-1)!, 'international') : undefined,
      address1: address ? country.streetLine(rng.int(1, 240), rng.pick(country.streets)) : undefined,
      city: address && rng.chance(0.9) ? city.city : undefined,
      postalCode: address ? city.postalCode(rng.int(0, 10_000)) : undefined,
      country: address ? country.name : undefined,
      createdAt: unixSeconds(created),
      updatedAt: unixSeconds(updated),
      isSubscribed: subscribed ? 'true' : 'false',
      isBounceback: rng.chance(0.03) ? 'true' : 'false',
      subscriptionDate: subscribed ? unixSeconds(created) : undefined,
      unsubscriptionDate: subscribed ? undefined : unixSeconds(updated),
      fieldValues: [{ type: 'FieldValue', id: '100001', value: person.locale }],
    });
    const groups = new Map<string, boolean>();
    for (const group of ELOQUA_EMAIL_GROUPS) if (rng.chance(0.6)) groups.set(group.id, rng.chance(0.7));
    groupSubscriptions.set(id, groups);
    truth.push({ personId: person.personId, ref: { system: 'eloqua', recordId: id } });
  }
  return { contacts, groupSubscriptions, truth };
}

/** Eloqua's time format: Unix seconds, as a string. */
export function unixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}
