import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Access } from './create-access';
import { roles, type Role } from './roles';

/**
 * The embedded demo's credentials, so a new user can call the API at once: an API key
 * per role and, for the customer role, a preference-centre link of one demo customer,
 * in `file` (mode 0600; the caller logs its path, never a key). Keys from an earlier
 * start are kept while they still verify.
 */
export async function writeDemoCredentials(access: Access, file: string, demoCustomerId: string | null): Promise<void> {
  const earlier = await readEarlier(file);
  const credentials: Partial<Record<Role, string>> = {};
  for (const role of roles) {
    if (role === 'customer') continue;
    const kept = earlier[role];
    const stillValid = kept !== undefined && (await access.apiKeys.verify(kept).then((principal) => principal.roles.includes(role), () => false));
    credentials[role] = stillValid ? kept : (await access.apiKeys.create({ name: `demo ${role}`, role, createdBy: 'embedded demo' })).key;
  }
  // About marketing, the demo's usual purpose, so the same token also works for a one-click unsubscribe.
  if (demoCustomerId) credentials.customer = (await access.preferenceLinks.create(demoCustomerId, { purpose: 'MARKETING' })).token;
  await mkdir(path.dirname(file), { recursive: true }); // DATA_DIR need not exist when the store is MONGODB_URI's
  await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // writeFile's mode applies only when it creates the file
}

async function readEarlier(file: string): Promise<Partial<Record<Role, string>>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Partial<Record<Role, string>>;
  } catch {
    return {};
  }
}
