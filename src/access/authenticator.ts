import { decodeJwt } from 'jose';
import { ApiKeyStore } from './api-keys';
import { AuthenticationError } from './authentication-error';
import type { OidcVerifier } from './oidc-verifier';
import { PREFERENCE_LINK_ISSUER, type PreferenceLinks } from './preference-link';
import type { Principal } from './principal';

/** What {@link Authenticator} checks credentials with. */
export interface AuthenticatorOptions {
  apiKeys: ApiKeyStore;
  preferenceLinks: PreferenceLinks;
  /** People's access tokens; without it only API keys and preference links are accepted. */
  oidc?: OidcVerifier;
}

/**
 * Turns `Authorization: Bearer <credential>` into a principal: an API key (`cpgk_...`),
 * our own preference-centre link, or an OIDC access token. Anything else is an
 * AuthenticationError whose message says what to send.
 */
export class Authenticator {
  constructor(private readonly options: AuthenticatorOptions) {}

  async authenticate(authorization: string | undefined): Promise<Principal> {
    if (!authorization) throw new AuthenticationError('Send `Authorization: Bearer <API key or access token>`.');
    const match = /^Bearer +(\S+)\s*$/i.exec(authorization);
    if (!match) throw new AuthenticationError('The Authorization header must be `Bearer <API key or access token>`.');
    const credential = match[1]!;
    if (ApiKeyStore.looksLikeKey(credential)) return this.options.apiKeys.verify(credential);
    const issuer = issuerOf(credential);
    if (issuer === PREFERENCE_LINK_ISSUER) return this.options.preferenceLinks.verify(credential);
    if (!this.options.oidc) throw new AuthenticationError('This gateway accepts API keys only: no identity provider is configured (OIDC_ISSUER).');
    return this.options.oidc.verify(credential);
  }
}

/** The unverified `iss` of a JWT, only to choose its verifier; null when it is no JWT. */
function issuerOf(credential: string): string | null {
  try {
    return decodeJwt(credential).iss ?? null;
  } catch {
    throw new AuthenticationError('The credential is neither an API key nor a signed token.');
  }
}
