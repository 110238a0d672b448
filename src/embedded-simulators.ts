import { generatePopulation } from '../simulators/population/generate-population';
import { startSimulators, type RunningSimulators } from '../simulators/start-simulators';

/** Options of {@link startEmbeddedSimulators}. */
export interface EmbeddedSimulatorsOptions {
  /** People in the demo population. @default 1000 */
  population?: number;
  /** Seed of the demo population. @default 1 */
  seed?: number;
}

/**
 * The embedded default when no SYSTEMS are configured: the CRM, ESP and identity
 * simulators on free loopback ports, holding a generated demo population, with
 * fresh random credentials (anyone on the machine could otherwise reach them).
 */
export async function startEmbeddedSimulators({ population = 1000, seed = 1 }: EmbeddedSimulatorsOptions = {}): Promise<RunningSimulators> {
  return startSimulators({ population: generatePopulation({ size: population, seed }), randomCredentials: true });
}
