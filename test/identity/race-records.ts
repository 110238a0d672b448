import type { SourceRecord } from '../../src/adapters/source-adapter';
import { sourceRecord } from './source-record-factory';

/**
 * The records of one new person, round `round`, as each racing process sees them. Every
 * record shares the email (formatted differently), so that any order of resolving them
 * one after another gives one customer: a race must give the same.
 */
export function raceRecords(round: number, variant: 'a' | 'b'): SourceRecord[] {
  const email = `race-${round}@example.com`;
  const phone = `07911 2${String(round).padStart(5, '0')}`;
  const crm = sourceRecord('crm', `crm-${round}`, { fields: { emails: [email], phones: [phone] } });
  const esp = sourceRecord('esp', `esp-${round}`, { fields: { emails: [` ${email.toUpperCase()}`] } });
  const idp = sourceRecord('idp', `idp-${round}`, { fields: { emails: [`${email} `], phones: [`+44${phone.slice(1).replace(' ', '')}`] } });
  // Rotate which records the two processes share: the same record, or different records of one person.
  switch (round % 3) {
    case 0:
      return variant === 'a' ? [crm, esp, idp] : [idp, esp, crm];
    case 1:
      return variant === 'a' ? [esp] : [idp, crm];
    default:
      return variant === 'a' ? [crm] : [crm];
  }
}

/** Every record id of round `round`, whichever process resolved it. */
export function raceRecordIds(round: number): string[] {
  return [`crm:crm-${round}`, `esp:esp-${round}`, `idp:idp-${round}`];
}
