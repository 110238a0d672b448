import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's Chromium, which the browser tests drive through playwright-core (its own browser download does not work here). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Installs Debian's `chromium` package when it is missing (as root, with apt-get), so a
 * clean machine runs the browser tests with no step of its own; otherwise says what to do.
 */
export function ensureChromium(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): void {
  if (existsSync(chromiumPath)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`Chromium is not installed at ${chromiumPath}: run \`sudo apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
  }
  log('installing Debian\'s chromium for the browser tests (apt-get)');
  const apt = { stdio: 'ignore' as const, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  execFileSync('apt-get', ['update', '-qq'], apt);
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], apt);
  if (!existsSync(chromiumPath)) throw new Error(`apt-get installed chromium, but not at ${chromiumPath}; set CHROMIUM_PATH.`);
}

if (require.main === module) ensureChromium();
