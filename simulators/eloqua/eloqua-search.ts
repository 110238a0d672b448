import type { EloquaContact } from './eloqua-contact';

/**
 * Eloqua's `search` URL parameter on contacts: `{term}{operator}{value}` criteria written
 * one after another (`emailAddress='a@b.com'`, `C_DateModified>'2025-07-01 10:00:00'`),
 * all of which must hold; `=` `!=` `>` `<` `>=` `<=`; values in single quotes (or bare),
 * `*` a wildcard for partial matches; text compared ignoring case. Terms are the contact's
 * properties (`id`, `emailAddress`, `firstName`, `lastName`, `updatedAt`, `createdAt`) or
 * its fields by internal name (`C_EmailAddress`, `C_MobilePhone`, `C_BusPhone`,
 * `C_DateModified`, `C_DateCreated`, ...). Times are Unix seconds or `YYYY-MM-DD[ hh:mm:ss]`
 * (UTC). Anything else is refused. `OR` is not accepted: Oracle documents no way to join
 * criteria but by listing them, so the simulator, like the adapter, does not rely on one.
 * https://docs.oracle.com/en/cloud/saas/marketing/eloqua-develop/Developers/GettingStarted/APIRequests/url-parameters.htm
 * https://docs.oracle.com/cloud/latest/marketingcs_gs/OMCAB/Developers/RESTAPI/Tutorials/search_parameter.htm
 */

/** Why a search was refused: the term or text Eloqua would name in its validation error. */
export class EloquaSearchError extends Error {
  constructor(readonly property: string, readonly value: string) {
    super(`search term ${property} is not valid`);
  }
}

const TERMS: Readonly<Record<string, { field: keyof EloquaContact; kind: 'text' | 'time' | 'id' }>> = {
  id: { field: 'id', kind: 'id' },
  contactid: { field: 'id', kind: 'id' },
  emailaddress: { field: 'emailAddress', kind: 'text' },
  c_emailaddress: { field: 'emailAddress', kind: 'text' },
  firstname: { field: 'firstName', kind: 'text' },
  c_firstname: { field: 'firstName', kind: 'text' },
  lastname: { field: 'lastName', kind: 'text' },
  c_lastname: { field: 'lastName', kind: 'text' },
  mobilephone: { field: 'mobilePhone', kind: 'text' },
  c_mobilephone: { field: 'mobilePhone', kind: 'text' },
  businessphone: { field: 'businessPhone', kind: 'text' },
  c_busphone: { field: 'businessPhone', kind: 'text' },
  city: { field: 'city', kind: 'text' },
  c_city: { field: 'city', kind: 'text' },
  postalcode: { field: 'postalCode', kind: 'text' },
  c_zip_postal: { field: 'postalCode', kind: 'text' },
  updatedat: { field: 'updatedAt', kind: 'time' },
  c_datemodified: { field: 'updatedAt', kind: 'time' },
  createdat: { field: 'createdAt', kind: 'time' },
  c_datecreated: { field: 'createdAt', kind: 'time' },
};

const CRITERION = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|!=|=|>|<)\s*(?:'([^']*)'|([^\s'<>=!]+))/y;

/** Parses a search into a predicate over contacts; throws {@link EloquaSearchError} for what Eloqua would refuse. */
export function parseEloquaSearch(search: string): (contact: EloquaContact) => boolean {
  const tests: ((contact: EloquaContact) => boolean)[] = [];
  CRITERION.lastIndex = 0;
  let at = 0;
  while (at < search.length && search.slice(at).trim() !== '') {
    CRITERION.lastIndex = at;
    const match = CRITERION.exec(search);
    if (!match) throw new EloquaSearchError('search', search.slice(at));
    at = CRITERION.lastIndex;
    const [, name = '', operator = '=', quoted, bare] = match;
    const term = TERMS[name.toLowerCase()];
    if (!term) throw new EloquaSearchError(name, search);
    const value = quoted ?? bare ?? '';
    tests.push(term.kind === 'time' ? timeTest(term.field, operator, value, name) : textTest(term.field, operator, value));
  }
  return (contact) => tests.every((test) => test(contact));
}

function textTest(field: keyof EloquaContact, operator: string, value: string): (contact: EloquaContact) => boolean {
  const pattern = new RegExp(`^${value.split('*').map(escapeRegExp).join('.*')}$`, 'i');
  const lower = value.toLowerCase();
  return (contact) => {
    const held = typeof contact[field] === 'string' ? (contact[field] as string) : '';
    switch (operator) {
      case '=':
        return pattern.test(held);
      case '!=':
        return !pattern.test(held);
      default:
        return compare(held.toLowerCase(), lower, operator);
    }
  };
}

function timeTest(field: keyof EloquaContact, operator: string, value: string, name: string): (contact: EloquaContact) => boolean {
  const seconds = parseTime(value);
  if (seconds === null) throw new EloquaSearchError(name, value);
  return (contact) => {
    const held = Number(contact[field]);
    return operator === '=' ? held === seconds : operator === '!=' ? held !== seconds : compare(held, seconds, operator);
  };
}

/** Unix seconds, or `YYYY-MM-DD` / `YYYY-MM-DD hh:mm:ss` in UTC. */
export function parseTime(value: string): number | null {
  if (/^\d+$/.test(value)) return Number(value);
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?$/.exec(value.trim());
  if (!match) return null;
  const ms = Date.parse(`${match[1]}T${match[2] ?? '00:00:00'}Z`);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

function compare<T extends string | number>(a: T, b: T, operator: string): boolean {
  if (operator === '>') return a > b;
  if (operator === '<') return a < b;
  if (operator === '>=') return a >= b;
  return a <= b;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
