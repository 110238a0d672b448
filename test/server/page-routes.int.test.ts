import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pageRoutes, type PageRoutesOptions } from '../../src/server/page-routes';
import { webDistDir } from '../../src/server/web-dist';

/** The page routes alone on a loopback port. */
async function serve(options: PageRoutesOptions): Promise<{ url: string; close(): Promise<void> }> {
  const app = express().use(pageRoutes(options));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('the page routes', () => {
  it('tell the console how to sign in, and allow calls to the identity provider only', async () => {
    const signIn = { issuer: 'https://login.example.com/realms/acme', clientId: 'console', scope: 'openid profile' };
    const pages = await serve({ distDir: webDistDir, signIn });
    try {
      await expect(fetch(`${pages.url}/console/config.json`).then((response) => response.json())).resolves.toEqual({ signIn });
      const page = await fetch(`${pages.url}/console/systems`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("connect-src 'self' https://login.example.com;");
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    } finally {
      await pages.close();
    }
  });

  it('say when sign-in is not configured, and when the pages are not built, in words', async () => {
    const pages = await serve({ distDir: '/nonexistent/web/dist' });
    try {
      await expect(fetch(`${pages.url}/console/config.json`).then((response) => response.json())).resolves.toEqual({ signIn: null });
      const page = await fetch(`${pages.url}/preferences`);
      expect(page.status).toBe(503);
      await expect(page.text()).resolves.toMatch(/not built yet: run `npm install`/);
    } finally {
      await pages.close();
    }
  });
});
