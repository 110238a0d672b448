import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

/** A minimal OpenID provider for tests: discovery and JWKS over real HTTP, and tokens signed with its key. */
export interface TestIssuer {
  /** The issuer URL (`iss`), also where discovery is served. */
  issuer: string;
  /** Signs an access token; `key: 'other'` signs with a key the issuer does not publish (same key id). */
  token(claims: JWTPayload & { expiresIn?: string | number; key?: 'own' | 'other' }): Promise<string>;
  /** How many times the JWKS was fetched. */
  jwksFetches(): number;
  stop(): Promise<void>;
}

export async function startTestIssuer(audience: string): Promise<TestIssuer> {
  const own = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(own.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  let fetches = 0;
  const server = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') return res.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }));
    if (req.url === '/jwks') {
      fetches++;
      return res.end(JSON.stringify({ keys: [jwk] }));
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    token: ({ expiresIn = '5m', key = 'own', ...claims }) => {
      const signingKey: CryptoKey = key === 'own' ? own.privateKey : other.privateKey;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .setIssuer(typeof claims.iss === 'string' ? claims.iss : issuer)
        .setAudience(claims.aud ?? audience)
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(signingKey);
    },
    jwksFetches: () => fetches,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
