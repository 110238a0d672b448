import type { Population } from '../population/generate-population';
import { COUNTRIES } from '../population/reference-data';
import { SeededRandom } from '../population/seeded-random';
import type { KindTruthRef } from '../simulator-kind';
import { SITE_CONSENT_STATEMENTS, type SapCdcAccount, type SapCdcConsentStatement, type SapCdcEmailSubscription } from './sapcdc-account';

/** SAP Customer Data Cloud's slice of a population: its accounts, and whose each one is. */
export interface SapCdcPopulation {
  accounts: SapCdcAccount[];
  truth: KindTruthRef[];
}

const DAY_MS = 86_400_000;
/** The population generator's default "now"; the accounts' times are before it. */
const REFERENCE_TIME = Date.parse('2025-07-01T00:00:00Z');
const slices = new WeakMap<Population, SapCdcPopulation>();

/**
 * The Gigya accounts of a population: a second identity system (the consumer site's
 * login, next to the workforce-style SCIM directory) holding about a third of the people
 * already in the other systems, drawn from a generator of its own so that the other
 * systems' records stay as they were for a seed. Its login id is the person's primary
 * address, lower-cased as Gigya keeps login ids, while `profile.email` keeps the case the
 * person typed; it disagrees as such a site does: a mobile in E.164 only when the person
 * gave one at registration, the maiden name on old accounts, a newsletter left pending
 * (double opt-in never confirmed) or stale, SMS and phone consent statements that differ
 * from the other systems. Generated once per population, only when the simulator starts.
 */
export function sapcdcPopulation(population: Population): SapCdcPopulation {
  let slice = slices.get(population);
  if (slice) return slice;
  slice = generate(population);
  slices.set(population, slice);
  return slice;
}

function generate(population: Population): SapCdcPopulation {
  const rng = new SeededRandom(population.seed ^ 0x51_9c_dc);
  const accounts: SapCdcAccount[] = [];
  const truth: KindTruthRef[] = [];
  for (const person of population.people) {
    if (!rng.chance(person.records.length >= 2 ? 0.4 : 0.2)) continue;
    const country = COUNTRIES.find((candidate) => candidate.code === person.country) ?? COUNTRIES[0]!;
    const [primary, work] = person.emails;
    const updated = REFERENCE_TIME - rng.int(1 * DAY_MS, 400 * DAY_MS);
    const created = updated - rng.int(1 * DAY_MS, 1200 * DAY_MS);
    const login = rng.chance(0.8) ? updated - rng.int(0, 30 * DAY_MS) : null;
    const [year, month, day] = person.birthDate.split('-').map(Number);
    const UID = rng.hex(32);
    const verified = [primary!, ...(work && rng.chance(0.3) ? [work] : [])];
    const mobile = person.phones[0];
    const at = (ms: number) => new Date(ms).toISOString();
    const statement = (granted: boolean, id: string): SapCdcConsentStatement => {
      const modified = at(updated - rng.int(0, 200 * DAY_MS));
      return {
        isConsentGranted: granted,
        docVersion: SITE_CONSENT_STATEMENTS[id]!.docVersion,
        docDate: null,
        lang: country.locale.slice(0, 2),
        lastConsentModified: modified,
        actionTimestamp: modified,
        tags: [],
        customData: [],
        entitlements: [],
        locales: {},
      };
    };
    accounts.push({
      UID,
      created: at(created),
      createdTimestamp: created,
      lastUpdated: at(updated),
      lastUpdatedTimestamp: updated,
      lastLogin: login === null ? null : at(login),
      lastLoginTimestamp: login,
      isActive: rng.chance(0.97),
      isRegistered: true,
      isVerified: true,
      loginIDs: { emails: [primary!], unverifiedEmails: [] },
      emails: { verified, unverified: [] },
      profile: {
        firstName: person.givenName,
        lastName: person.previousFamilyName && rng.chance(0.5) ? person.previousFamilyName : person.familyName,
        email: rng.chance(0.3) ? primary!.replace(/^([a-z])/, (ch) => ch.toUpperCase()) : primary!,
        ...(mobile && rng.chance(0.6) ? { phones: [{ type: 'mobile', number: mobile }] } : {}),
        ...(rng.chance(0.5) ? { birthDay: day, birthMonth: month, birthYear: year } : {}),
        locale: country.locale,
        country: country.name,
      },
      data: {},
      preferences: {
        terms: { tos: statement(true, 'terms.tos') },
        privacy: {
          marketing_sms: statement(drift(rng, person.consent.smsMarketing), 'privacy.marketing_sms'),
          ...(rng.chance(0.7) ? { marketing_phone: statement(drift(rng, person.consent.phoneMarketing), 'privacy.marketing_phone') } : {}),
        },
      },
      subscriptions: { newsletter: { email: newsletter(rng, drift(rng, person.consent.emailMarketing), at(updated - rng.int(0, 300 * DAY_MS))) } },
    });
    truth.push({ personId: person.personId, ref: { system: 'sapcdc', recordId: UID } });
  }
  return { accounts, truth };
}

/** The newsletter as the person left it: confirmed, unsubscribed, or (sometimes) still waiting for the confirmation click. */
function newsletter(rng: SeededRandom, subscribed: boolean, when: string): SapCdcEmailSubscription {
  const pending = subscribed && rng.chance(0.1);
  return {
    isSubscribed: subscribed,
    tags: null,
    lastUpdatedSubscriptionState: when,
    doubleOptIn: {
      status: subscribed ? (pending ? 'Pending' : 'Confirmed') : 'NotConfirmed',
      emailSentTime: subscribed ? when : null,
      confirmTime: subscribed && !pending ? when : null,
      isExternallyVerified: false,
    },
  };
}

/** The person's choice as this site holds it: right most of the time, stale sometimes. */
function drift(rng: SeededRandom, value: boolean): boolean {
  return rng.chance(0.12) ? !value : value;
}
