import { SignJWT, errors, jwtVerify } from 'jose';
import { collectionNames } from '../store/collections';
import type { MongoStore } from '../store/mongo-store';
import { StoredSecret } from '../store/stored-secret';
import { AuthenticationError } from './authentication-error';
import type { Principal } from './principal';

/** The issuer our own links carry, which tells them from an identity provider's tokens. */
export const PREFERENCE_LINK_ISSUER = 'customer-profile-gateway';
const AUDIENCE = 'preference-centre';

/**
 * A customer's preference-centre link: a signed, expiring token (HS256 JWT, the secret
 * kept in the store so every process checks every link) scoped to one customer id.
 * Whoever holds it acts as that customer and sees only their own consents and preferences.
 */
export class PreferenceLinks {
  private readonly secret: StoredSecret;

  constructor(store: MongoStore, private readonly now: () => Date = () => new Date()) {
    this.secret = new StoredSecret(store.collection(collectionNames.accessSettings), 'preference-link-secret');
  }

  /** A link token for `customerId`, valid for `ttlSeconds` (default 30 days). */
  async issue(customerId: string, ttlSeconds = 30 * 24 * 3600): Promise<string> {
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(PREFERENCE_LINK_ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(customerId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .sign(await this.secret.get());
  }

  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, await this.secret.get(), {
        issuer: PREFERENCE_LINK_ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: this.now(),
      });
      if (!payload.sub) throw new AuthenticationError('The preference-centre link names no customer.');
      return { id: `customer:${payload.sub}`, kind: 'customer', name: 'preference-centre link', roles: ['customer'], customerId: payload.sub };
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      if (error instanceof errors.JWTExpired) throw new AuthenticationError('The preference-centre link has expired; ask for a new one.');
      throw new AuthenticationError('The preference-centre link is not valid; use the whole link as it was sent.');
    }
  }
}
