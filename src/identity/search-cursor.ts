import { createCipheriv, createDecipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { BadUserInputError } from '../errors/gateway-error';

/** Where a page of a search ended. */
export interface SearchPosition {
  /** `key`: an email or phone search (one result); `term`: exact terms; `name`: name prefixes. */
  phase: 'key' | 'term' | 'name';
  /** The `_id` of the last search entry consumed in that phase; null when none was. */
  after: string | null;
}

const phases: readonly SearchPosition['phase'][] = ['key', 'term', 'name'];
/** Sealed positions are padded to a multiple of this many bytes, so a cursor's length does not tell a name's. */
const PAD_TO = 48;
const TAG_BYTES = 16;

/**
 * Seals `position` into an opaque cursor for `query` (the normalised query text): a
 * position holds a search entry's id, which starts with a person's name, so it must not
 * reach a URL or a log as it is. Deterministic authenticated encryption in the SIV manner
 * (RFC 5297, with HMAC-SHA256 for CMAC): the tag is an HMAC of the padded position and
 * serves as the AES-256-CTR counter block, so no nonce can repeat for two positions, and
 * the same position always gives the same cursor. Without `secret` a cursor can be neither
 * read nor made.
 */
export function sealSearchCursor(secret: Buffer, query: string, position: SearchPosition): string {
  const plain = Buffer.from(JSON.stringify({ q: queryDigest(query), p: position.phase, a: position.after }), 'utf8');
  const padded = Buffer.concat([plain, Buffer.alloc(PAD_TO - (plain.length % PAD_TO), ' ')]);
  const { encryption, authentication } = subkeys(secret);
  const tag = createHmac('sha256', authentication).update(padded).digest().subarray(0, TAG_BYTES);
  const cipher = createCipheriv('aes-256-ctr', encryption, tag);
  return Buffer.concat([tag, cipher.update(padded), cipher.final()]).toString('base64url');
}

/**
 * The position sealed in `cursor`; `BAD_USER_INPUT` naming `after` when the cursor was
 * changed, made up or sealed for another query.
 */
export function openSearchCursor(secret: Buffer, query: string, cursor: string): SearchPosition {
  const sealed = Buffer.from(cursor, 'base64url');
  if (sealed.length < TAG_BYTES + PAD_TO || sealed.toString('base64url') !== cursor) throw notOurs();
  const tag = sealed.subarray(0, TAG_BYTES);
  const { encryption, authentication } = subkeys(secret);
  const decipher = createDecipheriv('aes-256-ctr', encryption, tag);
  const padded = Buffer.concat([decipher.update(sealed.subarray(TAG_BYTES)), decipher.final()]);
  if (!timingSafeEqual(createHmac('sha256', authentication).update(padded).digest().subarray(0, TAG_BYTES), tag)) throw notOurs();
  const { q, p, a } = JSON.parse(padded.toString('utf8')) as { q: string; p: SearchPosition['phase']; a: string | null };
  if (!phases.includes(p) || (a !== null && typeof a !== 'string')) throw notOurs(); // sealed by us, so a bug: still refuse
  if (q !== queryDigest(query)) throw new BadUserInputError('`after` is a cursor of another search: page with the `query` that returned it.');
  return { phase: p, after: a };
}

function notOurs(): BadUserInputError {
  return new BadUserInputError('`after` is not a cursor this search returned: pass an `endCursor` or an edge `cursor` unchanged.');
}

/** The cursor is bound to its query by a digest: the query itself stays out of the cursor. */
function queryDigest(query: string): string {
  return createHash('sha256').update(query).digest('base64url').slice(0, 22);
}

/** One key each for encryption and authentication, derived from the stored secret. */
function subkeys(secret: Buffer): { encryption: Buffer; authentication: Buffer } {
  return {
    encryption: createHmac('sha256', secret).update('search-cursor/encryption').digest(),
    authentication: createHmac('sha256', secret).update('search-cursor/authentication').digest(),
  };
}
