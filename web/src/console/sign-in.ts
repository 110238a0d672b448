import * as oidc from 'openid-client';

/** The console's sign-in settings, from the gateway (/console/config.json). */
interface SignInSettings {
  issuer: string;
  clientId: string;
  scope: string;
  resource?: string;
}

/** A signed-in person: the access token sent to the gateway, and what the token says of them. */
export interface Session {
  accessToken: string;
  expiresAt: number;
  subject: string;
  name: string;
  roles: string[];
}

const SESSION_KEY = 'console.session';
const PENDING_KEY = 'console.pending-sign-in';

/** The redirect URI registered for the console: its own root. */
const redirectUri = (): string => `${location.origin}/console/`;

async function settings(): Promise<SignInSettings | null> {
  const response = await fetch('/console/config.json');
  return ((await response.json()) as { signIn: SignInSettings | null }).signIn;
}

async function discover(signIn: SignInSettings): Promise<oidc.Configuration> {
  const issuer = new URL(signIn.issuer);
  // A loopback issuer (the embedded demo's) is plain HTTP; any other must be HTTPS.
  const insecure = issuer.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
  return oidc.discovery(issuer, signIn.clientId, undefined, oidc.None(), insecure ? { execute: [oidc.allowInsecureRequests] } : undefined);
}

/** The session kept in this tab, while its token is valid. */
export function currentSession(): Session | null {
  const stored = sessionStorage.getItem(SESSION_KEY);
  const session = stored ? (JSON.parse(stored) as Session) : null;
  if (session && session.expiresAt > Date.now() + 10_000) return session;
  sessionStorage.removeItem(SESSION_KEY);
  return null;
}

/** Sends the browser to the identity provider (authorization code with PKCE); false when sign-in is not configured. */
export async function signIn(returnTo: string): Promise<false> {
  const signInSettings = await settings();
  if (!signInSettings) return false;
  const configuration = await discover(signInSettings);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, returnTo }));
  const url = oidc.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUri(),
    scope: signInSettings.scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...(signInSettings.resource ? { resource: signInSettings.resource } : {}),
  });
  location.assign(url.href);
  return new Promise<false>(() => undefined); // the page is leaving
}

/** Finishes a sign-in when the provider sent the browser back with a code; returns where to go next. */
export async function completeSignIn(): Promise<string | null> {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as { verifier: string; state: string; returnTo: string } | null;
  sessionStorage.removeItem(PENDING_KEY);
  history.replaceState(null, '', '/console/'); // the code is used once; keep it out of the history
  if (params.has('error')) throw new Error(`The identity provider refused the sign-in: ${params.get('error_description') ?? params.get('error')}.`);
  const signInSettings = await settings();
  if (!pending || !signInSettings) throw new Error('This sign-in was not started here; sign in again.');
  const configuration = await discover(signInSettings);
  const callback = new URL(redirectUri());
  callback.search = params.toString();
  const tokens = await oidc.authorizationCodeGrant(
    configuration,
    callback,
    { pkceCodeVerifier: pending.verifier, expectedState: pending.state },
    signInSettings.resource ? { resource: signInSettings.resource } : undefined,
  );
  const claims = decodePayload(tokens.access_token);
  const idClaims = tokens.claims();
  const session: Session = {
    accessToken: tokens.access_token,
    expiresAt: Date.now() + (tokens.expires_in ?? 300) * 1000,
    subject: String(claims.sub ?? ''),
    name: typeof idClaims?.name === 'string' ? idClaims.name : String(claims.sub ?? ''),
    roles: Array.isArray(claims.roles) ? claims.roles.map(String) : [],
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return pending.returnTo;
}

export function signOut(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

/** The access token's claims, read only to show who is signed in and which actions to offer; the gateway checks the token. */
function decodePayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  try {
    return JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
  } catch {
    return {};
  }
}
