import path from 'node:path';
import { defineConfig } from 'vite';

/**
 * The pages (README, "Pages"): two entries, the agent console (with the systems map) and
 * the preference centre, built into web/dist and served by the gateway (src/server/page-routes.ts).
 * Every asset is bundled: nothing is fetched from elsewhere, and no inline script or
 * style is emitted, so the gateway's Content Security Policy can forbid them.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: path.join(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    assetsInlineLimit: 0, // an inlined asset would be a data: URL the CSP need not allow
    modulePreload: { polyfill: false }, // every supported browser preloads modules itself
    rollupOptions: {
      input: {
        console: path.join(import.meta.dirname, 'console', 'index.html'),
        preferences: path.join(import.meta.dirname, 'preferences', 'index.html'),
      },
    },
  },
});
