import type { Population, PopulationRecordRef, TruthEntry } from './population/generate-population';
import type { SimulatorDescriptor } from './simulator';
import type { SimulatorServer } from './http/simulator-server';

/** How one kind of simulator is started. */
export interface StartKindOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Fresh random credentials instead of the fixed defaults (a demo anyone on the machine can reach). */
  randomCredentials: boolean;
}

/** One record of a kind's slice of the population, and the person it belongs to. */
export interface KindTruthRef {
  personId: string;
  ref: PopulationRecordRef;
}

/**
 * One kind of contract simulator, described once so that starting it (`npm run
 * simulators`, the embedded demo, tests, the benchmark), generating its slice of the
 * population and describing it as a `SYSTEMS` entry need no code beyond its folder and
 * one line in `simulatorKinds` (simulators/simulator-kinds.ts).
 */
export interface SimulatorKind {
  /** The system's name in its descriptor, in `DEMO_SYSTEMS` and in the ground truth. */
  readonly name: string;
  /** The gateway dialect that speaks to it. */
  readonly dialect: string;
  /** Whether `DEMO_SYSTEMS=default` (the demo as it always was) starts it. */
  readonly inDefaultSet: boolean;
  /**
   * Starts the simulator over its slice of the population. The simulator module is loaded
   * here, not when the registry is read: configuration checks read the names only.
   */
  start(population: Population, options: StartKindOptions): Promise<SimulatorServer>;
  /** Which person each of its records belongs to: its part of the ground truth. */
  truth(population: Population): readonly KindTruthRef[];
  /**
   * Its descriptor once the simulators started before it are known (SCIM says which
   * system its `externalId` refers to). @default the simulator's own descriptor
   */
  describe?(own: SimulatorDescriptor, before: readonly SimulatorDescriptor[]): SimulatorDescriptor;
}

/** The ground truth over some kinds: per person, their records in those systems (people in none are left out). */
export function truthOf(population: Population, kinds: readonly SimulatorKind[]): TruthEntry[] {
  const records = new Map<string, PopulationRecordRef[]>();
  for (const kind of kinds) {
    for (const { personId, ref } of kind.truth(population)) {
      const list = records.get(personId) ?? [];
      list.push(ref);
      records.set(personId, list);
    }
  }
  return population.people
    .filter((person) => records.has(person.personId))
    .map((person) => ({ personId: person.personId, records: records.get(person.personId)! }));
}

/** The records of one of the three original systems, read from the people's own record lists. */
export function recordsOfPeople(population: Population, system: PopulationRecordRef['system']): KindTruthRef[] {
  return population.people.flatMap((person) =>
    person.records.filter((ref) => ref.system === system).map((ref) => ({ personId: person.personId, ref })),
  );
}
