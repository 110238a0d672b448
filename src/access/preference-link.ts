import { randomUUID } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';
import { collectionNames } from '../store/collections';
import type { MongoStore } from '../store/mongo-store';
import { StoredSecret } from '../store/stored-secret';
import { AuthenticationError } from './authentication-error';
import type { Principal } from './principal';

/** The issuer our own links carry, which tells them from an identity provider's tokens. */
export const PREFERENCE_LINK_ISSUER = 'customer-profile-gateway';
const AUDIENCE = 'preference-centre';
/** How long a link lasts unless told otherwise: 30 days. */
const DEFAULT_TTL_SECONDS = 30 * 24 * 3600;

/** Options of {@link PreferenceLinks.create}. */
export interface PreferenceLinkOptions {
  /** The consent purpose the link was sent about (its one-click unsubscribe withdraws it). @default none */
  purpose?: string;
  /** How long the link is valid, in seconds. @default 2592000 (30 days) */
  ttlSeconds?: number;
}

/** A link token just signed, with what it carries. */
export interface IssuedPreferenceLink {
  token: string;
  /** The token's own id (`jti`): what tells one link from another (idempotency of its one-click unsubscribe). */
  id: string;
  customerId: string;
  purpose: string | null;
  expiresAt: Date;
}

/**
 * A customer's preference-centre link: a signed, expiring token (HS256 JWT, the secret
 * kept in the store so every process checks every link) scoped to one customer id, with
 * its own id (`jti`) and, for a link sent about one consent purpose, that purpose (a
 * `purpose` claim). Whoever holds it acts as that customer and sees only their own
 * consents and preferences.
 */
export class PreferenceLinks {
  private readonly secret: StoredSecret;

  constructor(store: MongoStore, private readonly now: () => Date = () => new Date()) {
    this.secret = new StoredSecret(store.collection(collectionNames.accessSettings), 'preference-link-secret');
  }

  /** A link token for `customerId`, without a purpose, valid for `ttlSeconds` (default 30 days). */
  async issue(customerId: string, ttlSeconds = DEFAULT_TTL_SECONDS): Promise<string> {
    return (await this.create(customerId, { ttlSeconds })).token;
  }

  /** A link token for `customerId`, optionally about one purpose, and what it carries. */
  async create(customerId: string, { purpose, ttlSeconds = DEFAULT_TTL_SECONDS }: PreferenceLinkOptions = {}): Promise<IssuedPreferenceLink> {
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const id = randomUUID();
    const token = await new SignJWT(purpose === undefined ? {} : { purpose })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(PREFERENCE_LINK_ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(customerId)
      .setJti(id)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .sign(await this.secret.get());
    return { token, id, customerId, purpose: purpose ?? null, expiresAt: new Date((issuedAt + ttlSeconds) * 1000) };
  }

  /** The customer principal a link stands for; an AuthenticationError saying what is wrong otherwise (never echoing the token). */
  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, await this.secret.get(), {
        issuer: PREFERENCE_LINK_ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: this.now(),
      });
      if (!payload.sub) throw new AuthenticationError('The preference-centre link names no customer.');
      return {
        id: `customer:${payload.sub}`,
        kind: 'customer',
        name: 'preference-centre link',
        roles: ['customer'],
        customerId: payload.sub,
        // Links made before links had ids and purposes carry neither.
        preferenceLink: { id: payload.jti ?? null, purpose: typeof payload.purpose === 'string' ? payload.purpose : null },
      };
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      if (error instanceof errors.JWTExpired) throw new AuthenticationError('The preference-centre link has expired; ask for a new one.');
      throw new AuthenticationError('The preference-centre link is not valid; use the whole link as it was sent.');
    }
  }
}
