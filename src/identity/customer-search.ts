import { BadUserInputError } from '../errors/gateway-error';
import type { IdentityGraph } from './identity-graph';
import { normalizeEmail } from './normalize-email';
import { normalizePhone, type NormalizePhoneOptions } from './normalize-phone';
import { normalizeSearchText } from './search-tokens';

/** One page of customers (as ids: `Customer` resolves the rest), Relay-style. */
export interface CustomerIdPage {
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Options of {@link CustomerSearch}. */
export interface CustomerSearchOptions {
  graph: IdentityGraph;
  /** Phone normalisation, as the identity layer does it. @default {} */
  phone?: NormalizePhoneOptions;
  /** Largest page. @default 100 */
  maxFirst?: number;
}

const SCAN_CHUNK = 200;

/**
 * Searches the identity graph: an email or a phone number finds the customer holding
 * that key; anything else is a name prefix ("jane d", "doe j"), answered in name order
 * from the search index, one entry per customer, with opaque cursors.
 */
export class CustomerSearch {
  private readonly graph: IdentityGraph;
  private readonly phone: NormalizePhoneOptions;
  private readonly maxFirst: number;

  constructor({ graph, phone = {}, maxFirst = 100 }: CustomerSearchOptions) {
    this.graph = graph;
    this.phone = phone;
    this.maxFirst = maxFirst;
  }

  /** A page of the customers matching `query`. */
  async search(query: string, first = 20, after?: string | null): Promise<CustomerIdPage> {
    if (!Number.isInteger(first) || first < 1 || first > this.maxFirst) {
      throw new BadUserInputError(`\`first\` must be a whole number from 1 to ${this.maxFirst}.`);
    }
    const text = query.trim();
    const email = normalizeEmail(text);
    const phone = /^[+()\d\s.-]{6,}$/.test(text) ? normalizePhone(text, this.phone) : null;
    if (email || phone) return this.byKey(email ? `email:${email}` : `phone:${phone}`, after);
    const prefix = normalizeSearchText(text);
    if (prefix.length < 2) throw new BadUserInputError('`query` must be an email, a phone number or at least 2 letters of a name.');
    return this.byNamePrefix(prefix, first, after ? decodeCursor(after) : null);
  }

  private async byKey(keyId: string, after?: string | null): Promise<CustomerIdPage> {
    const key = after ? null : await this.graph.keys.findOne({ _id: keyId });
    if (!key) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
    const customerId = await this.graph.rootOf(key.customerId);
    const cursor = encodeCursor(keyId);
    return { edges: [{ cursor, node: { id: customerId } }], pageInfo: { hasNextPage: false, endCursor: cursor } };
  }

  private async byNamePrefix(prefix: string, first: number, after: string | null): Promise<CustomerIdPage> {
    const edges: CustomerIdPage['edges'] = [];
    const seen = new Set<string>();
    let from = after;
    let hasNextPage = false;
    // `_id` is `<token>|<link>`, so a prefix is a range of ids ('\uffff' sorts after every token character).
    for (;;) {
      const range = { $gte: prefix, $lt: `${prefix}\uffff`, ...(from !== null ? { $gt: from } : {}) };
      const chunk = await this.graph.search.find({ _id: range }).sort({ _id: 1 }).limit(SCAN_CHUNK).toArray();
      if (chunk.length === 0) break;
      const roots = await this.graph.rootsOf(chunk.map((entry) => entry.customerId));
      for (const entry of chunk) {
        const customerId = roots.get(entry.customerId)!;
        if (seen.has(customerId)) {
          from = entry._id; // another record of a customer already on this page
          continue;
        }
        if (edges.length === first) {
          hasNextPage = true;
          break;
        }
        seen.add(customerId);
        from = entry._id;
        edges.push({ cursor: encodeCursor(entry._id), node: { id: customerId } });
      }
      if (hasNextPage || chunk.length < SCAN_CHUNK) break;
    }
    // The end cursor is the last entry consumed, past any further records of the page's last customer.
    return { edges, pageInfo: { hasNextPage, endCursor: edges.length > 0 && from !== null ? encodeCursor(from) : null } };
  }
}

function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!id.includes('|')) throw new BadUserInputError('`after` is not a cursor this search returned.');
  return id;
}
