/**
 * `npm run keys`: an admin's API keys. The store is MONGODB_URI's or, unset, the
 * embedded one under DATA_DIR, as for `npm start` (the running gateway's, if one serves it).
 *
 *   npm run keys -- create --role offer-engine --name "offers service" [--operations Eligibility,Other] [--expires 2027-06-30]
 *   npm run keys -- list
 *   npm run keys -- revoke <key id>
 *
 * `create` prints the key once, on stdout; only its hash is stored.
 */
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { ApiKeyStore, type ApiKeyInfo } from '../src/access/api-keys';
import { roles } from '../src/access/roles';
import { ConfigError, loadConfig } from '../src/config';
import { GatewayError } from '../src/errors/gateway-error';
import { openCommandStore } from '../src/store/command-store';

const usage = `usage: npm run keys -- create --role <${roles.filter((role) => role !== 'customer').join('|')}> --name <name> [--operations A,B] [--expires YYYY-MM-DD]
       npm run keys -- list
       npm run keys -- revoke <key id>`;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' }, operations: { type: 'string' }, expires: { type: 'string' } },
  });
  const [command, id] = positionals;
  if (!['create', 'list', 'revoke'].includes(command ?? '') || (command === 'revoke' && !id)) throw new ConfigError(usage);
  if (command === 'create' && (!values.role || !values.name)) throw new ConfigError(`create needs --role and --name.\n${usage}`);
  const expiresAt = values.expires ? new Date(values.expires) : null;
  if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new ConfigError('--expires must be a date, e.g. 2027-06-30.');

  const config = loadConfig();
  const { store, close } = await openCommandStore({ uri: config.MONGODB_URI, dbName: config.MONGODB_DB, dataDir: config.DATA_DIR, log: (line) => process.stderr.write(`${line}\n`) });
  try {
    const keys = new ApiKeyStore(store);
    if (command === 'create') {
      const operations = values.operations?.split(',').map((name) => name.trim()).filter(Boolean) ?? null;
      const { key, info } = await keys.create({ role: values.role!, name: values.name!, allowedOperations: operations, expiresAt, createdBy: userInfo().username });
      process.stderr.write(`created ${describe(info)}\nthe key (shown once; keep it in a secret store):\n`);
      process.stdout.write(`${key}\n`);
    } else if (command === 'list') {
      for (const info of await keys.list()) process.stdout.write(`${describe(info)}\n`);
    } else {
      process.stdout.write(`revoked ${describe(await keys.revoke(id!))}\n`);
    }
  } finally {
    await close();
  }
}

function describe(info: ApiKeyInfo): string {
  const state = info.revokedAt ? `revoked ${info.revokedAt.toISOString()}` : info.expiresAt ? `expires ${info.expiresAt.toISOString()}` : 'active';
  const operations = info.allowedOperations ? ` operations ${info.allowedOperations.join(',')}` : '';
  return `${info.id}  ${info.role.padEnd(18)} ${JSON.stringify(info.name)}  ${state}${operations}  created ${info.createdAt.toISOString()} by ${info.createdBy}`;
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof GatewayError;
  process.stderr.write(`${known ? (error as Error).message : `keys failed: ${error instanceof Error ? error.message : String(error)}`}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
