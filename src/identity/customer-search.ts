import { BadUserInputError } from '../errors/gateway-error';
import type { StoredSecret } from '../store/stored-secret';
import type { SearchTermKind } from './graph-documents';
import type { IdentityGraph } from './identity-graph';
import { normalizeEmail } from './normalize-email';
import { normalizePhone, type NormalizePhoneOptions } from './normalize-phone';
import { openSearchCursor, sealSearchCursor, type SearchPosition } from './search-cursor';
import { normalizeSearchText, queryTerms } from './search-tokens';

/** Why a search result matched (the SDL's `SearchMatch`). */
export type SearchMatch = 'EMAIL' | 'PHONE' | SearchTermKind | 'NAME';

/** The order `matchedOn` lists reasons in: the strongest first. */
const matchOrder: readonly SearchMatch[] = ['EMAIL', 'PHONE', 'EMAIL_LOCAL_PART', 'SURNAME_AND_INITIAL', 'NAME'];

/** One page of customers (as ids: `Customer` resolves the rest), Relay-style, each with why it matched. */
export interface CustomerIdPage {
  edges: { cursor: string; matchedOn: SearchMatch[]; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Options of {@link CustomerSearch}. */
export interface CustomerSearchOptions {
  graph: IdentityGraph;
  /** The secret that seals cursors, the same for every process on the store. */
  cursorSecret: StoredSecret;
  /** Phone normalisation, as the identity layer does it. @default {} */
  phone?: NormalizePhoneOptions;
  /** Largest page. @default 100 */
  maxFirst?: number;
}

const SCAN_CHUNK = 200;

/** A page being filled: one edge per customer, in the order found. */
interface PageInProgress {
  first: number;
  edges: Map<string, Set<SearchMatch>>;
  /** Customers not to list: listed on an earlier page, or (among name matches) found by an exact term. */
  skip: Set<string>;
  hasNextPage: boolean;
  /** The last entry consumed: where the next page starts. */
  position: SearchPosition;
  /** Each edge's own cursor: the position of its customer's first entry. */
  edgePositions: Map<string, SearchPosition>;
}

/**
 * Searches the identity graph: an email or a phone number finds the customer holding
 * that key; anything else is looked up as an exact term (an email's local part, a surname
 * with an initial: "james.murphy", "vries j") by equality on an index, then as a name
 * prefix ("jane d", "doe j") in name order. One entry per customer, each saying why it
 * matched; cursors are sealed (src/identity/search-cursor.ts), so no name or address
 * reaches a URL or a log through them.
 */
export class CustomerSearch {
  private readonly graph: IdentityGraph;
  private readonly cursorSecret: StoredSecret;
  private readonly phone: NormalizePhoneOptions;
  private readonly maxFirst: number;

  constructor({ graph, cursorSecret, phone = {}, maxFirst = 100 }: CustomerSearchOptions) {
    this.graph = graph;
    this.cursorSecret = cursorSecret;
    this.phone = phone;
    this.maxFirst = maxFirst;
  }

  /** A page of the customers matching `query`, after the cursor `after`. */
  async search(query: string, first = 20, after?: string | null): Promise<CustomerIdPage> {
    if (!Number.isInteger(first) || first < 1 || first > this.maxFirst) {
      throw new BadUserInputError(`\`first\` must be a whole number from 1 to ${this.maxFirst}.`);
    }
    const text = query.trim();
    const normalized = normalizeSearchText(text);
    const secret = await this.cursorSecret.get();
    const from = after ? openSearchCursor(secret, normalized, after) : null;
    const seal = (position: SearchPosition) => sealSearchCursor(secret, normalized, position);
    const email = normalizeEmail(text);
    const phone = /^[+()\d\s.-]{6,}$/.test(text) ? normalizePhone(text, this.phone) : null;
    if (email || phone) return this.byKey(email ? `email:${email}` : `phone:${phone}`, email ? 'EMAIL' : 'PHONE', from, seal);
    if (normalized.length < 2) throw new BadUserInputError('`query` must be an email, a phone number or at least 2 letters of a name.');
    return this.byText(normalized, queryTerms(text), first, from, seal);
  }

  private async byKey(keyId: string, match: SearchMatch, from: SearchPosition | null, seal: (position: SearchPosition) => string): Promise<CustomerIdPage> {
    const key = from ? null : await this.graph.keys.findOne({ _id: keyId });
    if (!key) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
    const customerId = await this.graph.rootOf(key.customerId);
    const cursor = seal({ phase: 'key', after: null });
    return { edges: [{ cursor, matchedOn: [match], node: { id: customerId } }], pageInfo: { hasNextPage: false, endCursor: cursor } };
  }

  /**
   * Exact terms first, then name prefixes. The term entries are read whole (an equality
   * read on the indexed `term`; a term names few people), so a customer listed on an
   * earlier page is known and none of them is listed again among the name matches.
   */
  private async byText(
    prefix: string,
    terms: string[],
    first: number,
    from: SearchPosition | null,
    seal: (position: SearchPosition) => string,
  ): Promise<CustomerIdPage> {
    const termEntries = await this.termEntries(terms);
    const page: PageInProgress = { first, edges: new Map(), skip: new Set(), hasNextPage: false, position: from ?? { phase: 'term', after: null }, edgePositions: new Map() };
    if (page.position.phase === 'term') {
      const after = page.position.after;
      for (const entry of termEntries) if (after !== null && entry._id <= after) page.skip.add(entry.customerId);
      consume(page, 'term', after === null ? termEntries : termEntries.filter((entry) => entry._id > after));
    }
    if (!page.hasNextPage) {
      page.skip = new Set(termEntries.map((entry) => entry.customerId));
      await this.scanNames(page, prefix);
    }
    return pageOf(page, seal);
  }

  /** The entries of the exact `terms`, in `_id` order, with the surviving customer ids. */
  private async termEntries(terms: string[]): Promise<Entry[]> {
    const docs = await this.graph.searchTerms.find({ term: { $in: terms } }).toArray();
    const roots = await this.graph.rootsOf(docs.map((doc) => doc.customerId));
    return docs
      .map((doc) => ({ _id: doc._id, customerId: roots.get(doc.customerId)!, reason: doc.kind }))
      .sort((a, b) => (a._id < b._id ? -1 : 1));
  }

  /** Adds the customers whose name starts with `prefix`, in name order after the page's position, until the page is full. */
  private async scanNames(page: PageInProgress, prefix: string): Promise<void> {
    for (;;) {
      // `_id` is `<token>|<link>`, so a prefix is a range of ids ('\uffff' sorts after every token character).
      const range = { $gte: prefix, $lt: `${prefix}\uffff`, ...(page.position.phase === 'name' && page.position.after !== null ? { $gt: page.position.after } : {}) };
      const chunk = await this.graph.search.find({ _id: range }).sort({ _id: 1 }).limit(SCAN_CHUNK).toArray();
      if (chunk.length === 0) return;
      const roots = await this.graph.rootsOf(chunk.map((entry) => entry.customerId));
      const full = consume(page, 'name', chunk.map((entry) => ({ _id: entry._id, customerId: roots.get(entry.customerId)!, reason: 'NAME' })));
      if (full || chunk.length < SCAN_CHUNK) return;
    }
  }
}

/** A search entry as a page consumes it: its id (the position), its surviving customer, why it matched. */
interface Entry {
  _id: string;
  customerId: string;
  reason: SearchMatch;
}

/**
 * Adds `entries` to the page in order, one edge per customer (an entry of a customer already
 * on the page adds its reason to that edge; one in `skip` is passed over), until the next
 * new customer would not fit: then it is left for the next page, and true is answered.
 */
function consume(page: PageInProgress, phase: SearchPosition['phase'], entries: readonly Entry[]): boolean {
  for (const entry of entries) {
    const onPage = page.edges.get(entry.customerId);
    const isNew = !onPage && !page.skip.has(entry.customerId);
    if (isNew && page.edges.size === page.first) {
      page.hasNextPage = true;
      return true;
    }
    page.position = { phase, after: entry._id };
    if (onPage) onPage.add(entry.reason);
    if (isNew) {
      page.edges.set(entry.customerId, new Set([entry.reason]));
      page.edgePositions.set(entry.customerId, page.position);
    }
  }
  return false;
}

/** The finished page, with sealed cursors. The end cursor is the last entry consumed, past further entries of the last customer. */
function pageOf(page: PageInProgress, seal: (position: SearchPosition) => string): CustomerIdPage {
  const edges = [...page.edges].map(([id, reasons]) => ({
    cursor: seal(page.edgePositions.get(id)!),
    matchedOn: matchOrder.filter((match) => reasons.has(match)),
    node: { id },
  }));
  return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.length > 0 ? seal(page.position) : null } };
}
