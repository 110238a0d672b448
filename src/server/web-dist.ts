import path from 'node:path';

/** Where the pages are built (scripts/build-web.ts) and served from (page-routes.ts). */
export const webDistDir = path.resolve(__dirname, '..', '..', 'web', 'dist');
