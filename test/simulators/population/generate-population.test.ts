import { parsePhoneNumber } from 'libphonenumber-js';
import { generatePopulation, type Population } from '../../../simulators/population/generate-population';
import { formatPhone } from '../../../simulators/population/phone-format';
import { subscriberHash } from '../../../simulators/mailchimp/subscriber-hash';
import { toCaseSafeId } from '../../../simulators/salesforce/salesforce-id';

/** The synthetic population: deterministic, well-posed for identity resolution, and messy in the expected ways. */

const normaliseEmail = (email: string): string => email.trim().toLowerCase();
const COUNTRY_BY_NAME: Record<string, 'GB' | 'US' | 'DE' | 'FR' | 'NL'> = {
  'United Kingdom': 'GB',
  'United States': 'US',
  Germany: 'DE',
  France: 'FR',
  Netherlands: 'NL',
};

/** Strong keys of every record, as identity resolution would normalise them. */
function recordKeys(population: Population): Map<string, Set<string>> {
  const keys = new Map<string, Set<string>>();
  const add = (record: string, key: string): void => {
    const set = keys.get(record) ?? new Set<string>();
    set.add(key);
    keys.set(record, set);
  };
  for (const c of population.salesforceContacts) {
    const ref = `salesforce:${c.Id}`;
    if (c.Email) add(ref, `email:${normaliseEmail(c.Email)}`);
    const country = COUNTRY_BY_NAME[c.MailingCountry ?? ''];
    for (const phone of [c.Phone, c.MobilePhone]) if (phone) add(ref, `phone:${parsePhoneNumber(phone, country).number}`);
    add(ref, `sfid:${c.Id}`);
  }
  for (const m of population.mailchimpMembers) {
    const ref = `mailchimp:${m.id}`;
    add(ref, `email:${normaliseEmail(m.email_address)}`);
    if (m.merge_fields.PHONE) add(ref, `phone:${parsePhoneNumber(m.merge_fields.PHONE).number}`);
  }
  for (const u of population.scimUsers) {
    const ref = `identity:${u.id}`;
    add(ref, `email:${normaliseEmail(u.userName)}`);
    for (const email of u.emails) add(ref, `email:${normaliseEmail(email.value)}`);
    for (const phone of u.phoneNumbers) add(ref, `phone:${parsePhoneNumber(phone.value).number}`);
    if (u.externalId) add(ref, `sfid:${u.externalId}`);
  }
  return keys;
}

test('the same seed gives the same population and another seed a different one', () => {
  const a = generatePopulation({ size: 300, seed: 11 });
  const b = generatePopulation({ size: 300, seed: 11 });
  const c = generatePopulation({ size: 300, seed: 12 });
  expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  expect(JSON.stringify(c.salesforceContacts)).not.toBe(JSON.stringify(a.salesforceContacts));
  expect(c.truth).not.toEqual(a.truth);
});

test('records are in the vendors own shapes and ids', () => {
  const population = generatePopulation({ size: 200, seed: 5 });
  for (const contact of population.salesforceContacts) {
    expect(contact.Id).toMatch(/^003\w{15}$/);
    expect(toCaseSafeId(contact.Id)).toBe(contact.Id);
    expect(contact.LastModifiedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000\+0000$/);
  }
  for (const member of population.mailchimpMembers) {
    expect(member.id).toBe(subscriberHash(member.email_address));
    expect(member.list_id).toBe(population.mailchimpListId);
    expect(member.last_changed).toMatch(/\+00:00$/);
  }
  for (const user of population.scimUsers) {
    expect(user.meta.version).toMatch(/^W\/".+"$/);
    expect(user.schemas).toContain('urn:customer-gateway:params:scim:schemas:extension:consent:2.0:User');
  }
});

test('the memoised phone formatter agrees with libphonenumber-js', () => {
  const population = generatePopulation({ size: 400, seed: 9 });
  for (const person of population.people) {
    for (const phone of person.phones) {
      const parsed = parsePhoneNumber(phone);
      expect(parsed.isValid()).toBe(true);
      expect(formatPhone(phone, 'national')).toBe(parsed.formatNational());
      expect(formatPhone(phone, 'international')).toBe(parsed.formatInternational());
    }
  }
});

test('100,000 people generate with realistic overlap, mess and a well-posed truth', () => {
  const started = performance.now();
  const population = generatePopulation({ size: 100_000, seed: 2025 });
  const elapsed = performance.now() - started;
  console.log(`generated 100,000 people in ${Math.round(elapsed)} ms`);

  const { people, truth, salesforceContacts, mailchimpMembers, scimUsers } = population;
  expect(people).toHaveLength(100_000);
  expect(truth).toHaveLength(100_000);
  const bySize = [0, 0, 0, 0];
  for (const entry of truth) bySize[entry.records.length] = (bySize[entry.records.length] ?? 0) + 1;
  expect(bySize[0]).toBe(0);
  // Most people are in two or three systems; some in one.
  expect((bySize[2]! + bySize[3]!) / 100_000).toBeGreaterThan(0.65);
  expect(bySize[1]! / 100_000).toBeGreaterThan(0.15);
  expect(bySize[3]! / 100_000).toBeGreaterThan(0.25);
  const recordCount = truth.reduce((sum, entry) => sum + entry.records.length, 0);
  expect(recordCount).toBe(salesforceContacts.length + mailchimpMembers.length + scimUsers.length);
  // Violations are collected and asserted once: an expect per record would dominate the run time.
  expect(truth.filter((entry) => new Set(entry.records.map((r) => r.system)).size !== entry.records.length)).toEqual([]);

  // No two people share an email or a phone.
  const owner = new Map<string, string>();
  const shared: string[] = [];
  for (const person of people) {
    for (const key of [...person.emails.map((e) => `e:${e}`), ...person.phones.map((p) => `p:${p}`)]) {
      const previous = owner.get(key);
      if (previous !== undefined && previous !== person.personId) shared.push(key);
      owner.set(key, person.personId);
    }
  }
  expect(shared).toEqual([]);
  expect(people.filter((p) => p.emails.length === 2).length).toBeGreaterThan(1000);

  // The mess: case and spaces, national vs E.164, cross-references, changed names and phones.
  expect(salesforceContacts.some((c) => c.Email !== c.Email?.toLowerCase())).toBe(true);
  expect(scimUsers.some((u) => u.emails.some((e) => e.value !== e.value.trim()))).toBe(true);
  expect(salesforceContacts.every((c) => !c.MobilePhone?.startsWith('+'))).toBe(true);
  expect(mailchimpMembers.some((m) => /^\+\d+$/.test(m.merge_fields.PHONE))).toBe(true);
  expect(scimUsers.filter((u) => u.externalId?.startsWith('003')).length).toBeGreaterThan(5000);
  const married = people.filter((p) => p.previousFamilyName);
  expect(married.length).toBeGreaterThan(500);
  const contactById = new Map(salesforceContacts.map((c) => [c.Id, c]));
  const memberById = new Map(mailchimpMembers.map((m) => [m.id, m]));
  const userById = new Map(scimUsers.map((u) => [u.id, u]));
  for (const person of married.slice(0, 200)) {
    const sfRef = person.records.find((r) => r.system === 'salesforce')!;
    const contact = contactById.get(sfRef.recordId)!;
    expect(contact.LastName).toBe(person.previousFamilyName);
    // The systems holding the new name changed later than the CRM.
    for (const ref of person.records.filter((r) => r.system !== 'salesforce')) {
      const updated = ref.system === 'mailchimp' ? memberById.get(ref.recordId)!.last_changed : userById.get(ref.recordId)!.meta.lastModified;
      expect(Date.parse(updated)).toBeGreaterThan(Date.parse(contact.LastModifiedDate.replace('+0000', 'Z')));
    }
  }
  // Consent flags disagree between systems for some people.
  const disagreeing = people.filter((person) => {
    const sf = person.records.find((r) => r.system === 'salesforce');
    const mc = person.records.find((r) => r.system === 'mailchimp');
    if (!sf || !mc) return false;
    return !contactById.get(sf.recordId)!.HasOptedOutOfEmail !== (memberById.get(mc.recordId)!.status === 'subscribed');
  });
  expect(disagreeing.length).toBeGreaterThan(1000);

  // Well-posed: each person's records are linked by shared normalised keys, and no key links two people.
  const sample = generatePopulation({ size: 3000, seed: 2025 });
  const keys = recordKeys(sample);
  const personOfKey = new Map<string, string>();
  const ambiguousKeys: string[] = [];
  const disconnected: string[] = [];
  for (const entry of sample.truth) {
    for (const ref of entry.records) {
      for (const key of keys.get(`${ref.system}:${ref.recordId}`) ?? []) {
        const previous = personOfKey.get(key);
        if (previous !== undefined && previous !== entry.personId) ambiguousKeys.push(key);
        personOfKey.set(key, entry.personId);
      }
    }
    if (entry.records.length < 2) continue;
    // Connected: grow from the first record over shared keys.
    const refs = entry.records.map((r) => `${r.system}:${r.recordId}`);
    const reached = new Set([refs[0]!]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const ref of refs) {
        if (reached.has(ref)) continue;
        const mine = keys.get(ref)!;
        if ([...reached].some((other) => [...keys.get(other)!].some((key) => mine.has(key)))) {
          reached.add(ref);
          grew = true;
        }
      }
    }
    if (reached.size !== refs.length) disconnected.push(entry.personId);
  }
  expect(ambiguousKeys).toEqual([]);
  expect(disconnected).toEqual([]);
});
