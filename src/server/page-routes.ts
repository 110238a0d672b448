import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

/** How the console signs people in (OIDC authorization code with PKCE, in the browser). */
export interface ConsoleSignIn {
  issuer: string;
  clientId: string;
  scope: string;
  /** The resource indicator (RFC 8707) to ask a token for, when the provider needs one. */
  resource?: string;
}

/** Options of {@link pageRoutes}. */
export interface PageRoutesOptions {
  /** The built pages (web/dist). */
  distDir: string;
  /** Without it the console says that sign-in is not configured. */
  signIn?: ConsoleSignIn;
}

/**
 * The pages (web/): the agent console at /console (and /console/systems), the preference
 * centre at /preferences, their bundled assets at /assets, and the console's sign-in
 * settings at /console/config.json. Every page speaks only the public GraphQL API.
 * Served with a strict Content Security Policy: scripts, styles and fonts from this
 * origin only, nothing inline, calls to this origin and the identity provider only.
 */
export function pageRoutes({ distDir, signIn }: PageRoutesOptions): Router {
  const router = express.Router();
  const providerOrigin = signIn ? new URL(signIn.issuer).origin : '';
  const headers = {
    'Content-Security-Policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      `connect-src 'self' ${providerOrigin}`.trim(),
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'Referrer-Policy': 'no-referrer', // a preference link's page never leaks its address
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
  const page = (name: 'console' | 'preferences'): express.RequestHandler => (_req, res) => {
    const file = path.join(distDir, name, 'index.html');
    if (!existsSync(file)) {
      res.status(503).type('text').send('The pages are not built yet: run `npm install` (or `npm start`, which builds them).');
      return;
    }
    res.set(headers).sendFile(file);
  };

  router.get('/console/config.json', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ signIn: signIn ?? null });
  });
  router.get(['/console', '/console/', '/console/systems'], page('console'));
  router.get(['/preferences', '/preferences/'], page('preferences'));
  // Content-hashed file names: a changed asset has a new name, so each may be cached for ever.
  router.use('/assets', express.static(path.join(distDir, 'assets'), { immutable: true, maxAge: '1y', index: false, fallthrough: true }));
  return router;
}
