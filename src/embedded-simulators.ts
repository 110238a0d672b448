import { generatePopulation } from '../simulators/population/generate-population';
import { selectSimulatorKinds } from '../simulators/simulator-kinds';
import { startSimulatorSet, type RunningSimulatorSet } from '../simulators/start-simulators';

/** Options of {@link startEmbeddedSimulators}. */
export interface EmbeddedSimulatorsOptions {
  /** People in the demo population. @default 1000 */
  population?: number;
  /** Seed of the demo population. @default 1 */
  seed?: number;
  /** The simulators to start, by name (`DEMO_SYSTEMS`, already checked). @default the default set: salesforce, mailchimp, identity */
  systems?: readonly string[];
}

/**
 * The embedded default when no SYSTEMS are configured: the chosen simulators (the CRM,
 * ESP and identity system unless `DEMO_SYSTEMS` says otherwise) on free loopback ports,
 * holding a generated demo population, with fresh random credentials (anyone on the
 * machine could otherwise reach them).
 */
export async function startEmbeddedSimulators({ population = 1000, seed = 1, systems }: EmbeddedSimulatorsOptions = {}): Promise<RunningSimulatorSet> {
  return startSimulatorSet({
    population: generatePopulation({ size: population, seed }),
    kinds: selectSimulatorKinds(systems ? systems.join(',') : 'default'),
    randomCredentials: true,
  });
}
