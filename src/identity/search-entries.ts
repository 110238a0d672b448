import type { SourceRecord } from '../adapters/source-adapter';
import type { SearchDoc, SearchTermDoc } from './graph-documents';
import { emailLocalPartTerms, nameSearchTokens, surnameInitialTerms } from './search-tokens';

/** A record's search entries: name tokens (found by prefix) and exact terms (found by equality). */
export interface SearchEntries {
  names: SearchDoc[];
  terms: SearchTermDoc[];
}

/** The search entries of `record`, linked as `linkId` to `customerId`; the linkers insert them once. */
export function searchEntriesOf(record: SourceRecord, linkId: string, customerId: string): SearchEntries {
  const { givenName, familyName, emails } = record.fields;
  const names = nameSearchTokens(givenName, familyName).map((token) => ({ _id: `${token}|${linkId}`, linkId, customerId }));
  const terms = [
    ...emailLocalPartTerms(emails).map((term) => ({ term, kind: 'EMAIL_LOCAL_PART' as const })),
    ...surnameInitialTerms(givenName, familyName).map((term) => ({ term, kind: 'SURNAME_AND_INITIAL' as const })),
  ].map(({ term, kind }) => ({ _id: `${term}|${linkId}`, term, kind, linkId, customerId }));
  return { names, terms };
}
