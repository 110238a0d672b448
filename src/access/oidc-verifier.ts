import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { AuthenticationError, NoRoleError } from './authentication-error';
import type { Principal } from './principal';
import { isRole, type Role } from './roles';

/** How people's access tokens are checked (README, "Access"). */
export interface OidcSettings {
  /** The issuer (`iss`), e.g. `https://login.example.com/realms/acme`. */
  issuer: string;
  /** The audience (`aud`) tokens must be issued for. */
  audience: string;
  /** Where the issuer's signing keys are; default: `jwks_uri` from the issuer's discovery document. */
  jwksUrl?: string;
  /** The claim holding the roles: a top-level name, or a dotted path such as `realm_access.roles`. @default 'roles' */
  rolesClaim?: string;
  /** Clock skew tolerated on `exp` and `nbf`, in seconds. @default 60 */
  clockToleranceSeconds?: number;
}

/**
 * Verifies OIDC access tokens (JWT) with `jose` against the issuer's JWKS: signature,
 * issuer, audience, expiry (with the configured skew). The keys are fetched once and
 * again when a token names a key id not seen yet (the issuer rotated its keys).
 */
export class OidcVerifier {
  private jwks: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  constructor(private readonly settings: OidcSettings) {}

  async verify(token: string): Promise<Principal> {
    const { issuer, audience, rolesClaim = 'roles', clockToleranceSeconds = 60 } = this.settings;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keys(), { issuer, audience, clockTolerance: clockToleranceSeconds }));
    } catch (error) {
      throw new AuthenticationError(reasonOf(error));
    }
    if (!payload.sub) throw new AuthenticationError('The access token has no subject (`sub`); ask the identity provider for a user token.');
    const granted = rolesIn(payload, rolesClaim);
    if (granted.length === 0) throw new NoRoleError(`The access token carries no gateway role in its \`${rolesClaim}\` claim; ask an admin to grant one.`);
    return { id: `user:${payload.sub}`, kind: 'user', name: payload.sub, roles: granted };
  }

  private keys(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    this.jwks ??= this.jwksUrl().then((url) => createRemoteJWKSet(new URL(url)));
    this.jwks.catch(() => (this.jwks = undefined)); // an unreachable issuer is retried on the next token
    return this.jwks;
  }

  private async jwksUrl(): Promise<string> {
    if (this.settings.jwksUrl) return this.settings.jwksUrl;
    const discovery = `${this.settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(discovery, { signal: AbortSignal.timeout(5000) });
    const body = response.ok ? ((await response.json()) as { jwks_uri?: unknown }) : {};
    if (typeof body.jwks_uri !== 'string') throw new AuthenticationError('The identity provider cannot be reached to check the token; retry later.');
    return body.jwks_uri;
  }
}

/** The gateway roles in the token's roles claim; unknown role names are ignored. */
function rolesIn(payload: JWTPayload, claim: string): Role[] {
  const value = claim in payload ? payload[claim] : claim.split('.').reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], payload);
  const names = Array.isArray(value) ? value : typeof value === 'string' ? value.split(' ') : [];
  return [...new Set(names.filter(isRole))];
}

/** What went wrong, in words a caller can act on; never the token. */
function reasonOf(error: unknown): string {
  if (error instanceof AuthenticationError) return error.message;
  if (error instanceof errors.JWTExpired) return 'The access token has expired; sign in again.';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'The access token was issued for another audience; ask for a token for this gateway.';
    if (error.claim === 'iss') return 'The access token is from an issuer this gateway does not trust.';
    if (error.claim === 'nbf') return 'The access token is not valid yet; check the clocks.';
    return `The access token's \`${error.claim}\` claim is not valid.`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The access token\'s signature does not verify; it was not issued by the trusted identity provider.';
  if (error instanceof errors.JWKSNoMatchingKey) return 'The access token is signed with a key the identity provider does not publish.';
  if (error instanceof errors.JWKSTimeout || error instanceof TypeError) return 'The identity provider cannot be reached to check the token; retry later.';
  return 'The access token is not a valid signed JWT.';
}
