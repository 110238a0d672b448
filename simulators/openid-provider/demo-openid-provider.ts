import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import { memoryAdapter } from './memory-adapter';

/** The audience (resource indicator) the demo's access tokens are issued for. */
export const DEMO_AUDIENCE = 'urn:customer-profile-gateway';
/** The console's client id at the demo provider (a public client: PKCE, no secret). */
export const DEMO_CONSOLE_CLIENT_ID = 'gateway-console';
/** The scope the console asks for: the gateway's resource scope beside OpenID's. */
export const DEMO_SCOPE = 'openid profile gateway';

/** The demo's staff, one per role a person holds: who signs in to the console. */
export const demoPeople = [
  { id: 'demo-agent', name: 'Alex Agent', roles: ['support-agent'] },
  { id: 'demo-steward', name: 'Sam Steward', roles: ['data-steward'] },
  { id: 'demo-compliance', name: 'Casey Compliance', roles: ['compliance-officer'] },
  { id: 'demo-admin', name: 'Ada Admin', roles: ['admin'] },
] as const;

/** A running demo provider. */
export interface DemoOpenIdProvider {
  /** The issuer URL, which OIDC_ISSUER would name for a real provider. */
  issuer: string;
  stop(): Promise<void>;
}

/**
 * The embedded demo's sign-in: a real OpenID provider (`oidc-provider`) on a loopback
 * port, whose login page lets a person pick one of {@link demoPeople}. It issues signed
 * JWT access tokens for {@link DEMO_AUDIENCE} with a `roles` claim, which the gateway
 * verifies exactly as it verifies a company's provider's tokens (src/access/oidc-verifier.ts).
 * Authorization code with PKCE only; keys and cookies are new at every start.
 */
export async function startDemoOpenIdProvider({ port = 0 }: { port?: number } = {}): Promise<DemoOpenIdProvider> {
  const app = express();
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const provider = new Provider(issuer, {
    adapter: memoryAdapter(),
    clients: [
      {
        client_id: DEMO_CONSOLE_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: ['http://localhost/console/'], // any loopback port: see redirectUriAllowed below
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: randomBytes(8).toString('hex') }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    scopes: ['openid', 'profile'],
    claims: { openid: ['sub'], profile: ['name'] },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => DEMO_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'gateway', audience: DEMO_AUDIENCE, accessTokenFormat: 'jwt', accessTokenTTL: 3600, jwt: { sign: { alg: 'RS256' } } }),
      },
    },
    findAccount: (_ctx, id) => {
      const person = demoPeople.find((candidate) => candidate.id === id);
      return person && { accountId: person.id, claims: () => ({ sub: person.id, name: person.name }) };
    },
    extraTokenClaims: (_ctx, token) => ({ roles: demoPeople.find((person) => 'accountId' in token && person.id === token.accountId)?.roles ?? [] }),
    // The console is the provider's own first-party client: no consent page.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = session.grantIdFor(client.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile');
      grant.addResourceScope(DEMO_AUDIENCE, 'gateway');
      await grant.save();
      return grant;
    },
    clientBasedCORS: (_ctx, origin) => isLoopback(origin),
    interactions: { url: (_ctx, interaction) => `/sign-in/${interaction.uid}` },
    renderError: (ctx, _out, error) => {
      ctx.type = 'text/plain';
      ctx.body = `Sign-in failed: ${error.message}. Go back to the console and sign in again.`;
    },
  });
  // The console may be served on any loopback port (PORT is the user's choice); only its path is fixed.
  provider.Client.prototype.redirectUriAllowed = (uri: string) => isLoopback(uri) && new URL(uri).pathname === '/console/';

  app.get('/sign-in/:uid', async (req, res, next) => {
    try {
      await provider.interactionDetails(req, res); // refuses an unknown or expired interaction
      res.type('html').send(signInPage(req.params.uid));
    } catch (error) {
      next(error);
    }
  });
  app.post('/sign-in/:uid', express.urlencoded({ extended: false, limit: '1kb' }), async (req, res, next) => {
    try {
      const person = demoPeople.find((candidate) => candidate.id === (req.body as { person?: string }).person);
      if (!person) {
        res.status(400).type('text').send('Choose one of the demo people.');
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: person.id } }, { mergeWithLastSubmission: false });
    } catch (error) {
      next(error);
    }
  });
  app.use(provider.callback());
  return {
    issuer,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function isLoopback(url: string): boolean {
  const parsed = URL.parse(url);
  return parsed !== null && parsed.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
}

/** The login page: a button per demo person (no password: this provider exists only in the demo). */
function signInPage(uid: string): string {
  const buttons = demoPeople
    .map((person) => `<li><button name="person" value="${person.id}">${person.name}<small>${person.roles.join(', ')}</small></button></li>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<link rel="icon" href="data:,"><title>Sign in: demo identity provider</title>
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;color:#1a1a1a}ul{list-style:none;padding:0}
button{display:flex;justify-content:space-between;width:100%;padding:.8rem 1rem;margin:.4rem 0;font:inherit;border:1px solid #555;border-radius:6px;background:#fff;cursor:pointer}
button:hover,button:focus-visible{background:#eef3ff;outline:3px solid #1d4ed8}small{color:#444}</style></head>
<body><main><h1>Sign in to the customer console</h1><p>This is the embedded demo's identity provider. Choose who you are:</p>
<form method="post" action="/sign-in/${encodeURIComponent(uid)}"><ul>${buttons}</ul></form></main></body></html>`;
}
