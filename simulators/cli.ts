import { generatePopulation, MAX_POPULATION } from './population/generate-population';
import { writeTruthFile } from './population/write-truth';
import { selectSimulatorKinds } from './simulator-kinds';
import type { SimulatorKind } from './simulator-kind';
import { startSimulatorSet } from './start-simulators';

/**
 * `npm run simulators`: starts the chosen simulators (by default Salesforce, Mailchimp and
 * SCIM) on loopback over a generated population and prints one JSON line per simulator
 * once they listen (system, dialect, baseUrl, credentials), so anyone can point a vendor's
 * client at them.
 *
 * Environment:
 * - DEMO_SYSTEMS: `default` (salesforce, mailchimp, identity), `all`, or a comma list of names; default `default`
 * - SIMULATOR_PORTS: one port per chosen simulator, in registry order (default set: `salesforce,mailchimp,identity`, e.g. `4101,4102,4103`); default free ports
 * - POPULATION: number of people, 1..1,000,000; default 1000
 * - SEED: integer seed of the population; default 1
 * - TRUTH_FILE: when set, the ground truth (which records are one person) over the chosen systems is written there as JSON
 *
 * A bad value exits with status 2 and one line naming the variable. Stops on SIGINT/SIGTERM.
 */

/** Reads and checks the environment, exiting 2 on the first bad value. */
function readEnvironment(env: NodeJS.ProcessEnv): { kinds: SimulatorKind[]; ports: number[] | null; size: number; seed: number } {
  const fail = (message: string): never => {
    process.stderr.write(`${message}\n`);
    process.exit(2);
  };
  let kinds: SimulatorKind[] = [];
  const rawSystems = env.DEMO_SYSTEMS?.trim() || 'default';
  try {
    kinds = selectSimulatorKinds(rawSystems);
  } catch (error) {
    fail(`DEMO_SYSTEMS must be ${(error as Error).message}, got '${rawSystems}'`);
  }
  let ports: number[] | null = null;
  const rawPorts = env.SIMULATOR_PORTS?.trim();
  if (rawPorts) {
    const parts = rawPorts.split(',').map((part) => part.trim());
    if (parts.length !== kinds.length || !parts.every((part) => /^\d+$/.test(part) && Number(part) <= 65_535)) {
      const names = kinds.map((kind) => kind.name).join(',');
      fail(`SIMULATOR_PORTS must be ${kinds.length === 3 ? 'three' : kinds.length} ports 0-65535 separated by commas (${names}), got '${rawPorts}'`);
    }
    ports = parts.map(Number);
  }
  const rawSize = env.POPULATION?.trim() || '1000';
  if (!/^\d+$/.test(rawSize) || Number(rawSize) < 1 || Number(rawSize) > MAX_POPULATION) {
    fail(`POPULATION must be a whole number from 1 to ${MAX_POPULATION}, got '${rawSize}'`);
  }
  const rawSeed = env.SEED?.trim() || '1';
  if (!/^-?\d+$/.test(rawSeed) || !Number.isSafeInteger(Number(rawSeed))) fail(`SEED must be an integer, got '${rawSeed}'`);
  return { kinds, ports, size: Number(rawSize), seed: Number(rawSeed) };
}

async function main(): Promise<void> {
  const { kinds, ports, size, seed } = readEnvironment(process.env);
  const population = generatePopulation({ size, seed });
  const simulators = await startSimulatorSet({
    population,
    kinds,
    ports: ports ? Object.fromEntries(kinds.map((kind, index) => [kind.name, ports[index]!])) : undefined,
  });
  if (process.env.TRUTH_FILE) await writeTruthFile(population, process.env.TRUTH_FILE, simulators.truth);
  for (const descriptor of simulators.descriptors) process.stdout.write(`${JSON.stringify(descriptor)}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    simulators.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  // e.g. EADDRINUSE when a port in SIMULATOR_PORTS is taken.
  process.stderr.write(`simulators failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
