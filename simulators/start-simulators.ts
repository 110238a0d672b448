import type { Population, TruthEntry } from './population/generate-population';
import type { SimulatorDescriptor } from './simulator';
import type { SimulatorServer } from './http/simulator-server';
import type { MailchimpSimulator } from './mailchimp/mailchimp-simulator';
import type { SalesforceSimulator } from './salesforce/salesforce-simulator';
import type { ScimSimulator } from './scim/scim-simulator';
import { truthOf, type SimulatorKind } from './simulator-kind';
import { simulatorKinds } from './simulator-kinds';

/** Options of {@link startSimulatorSet}. */
export interface StartSimulatorSetOptions {
  /** The population whose records the systems hold. */
  population: Population;
  /** Which kinds to start, in registry order. @default the default set (salesforce, mailchimp, identity) */
  kinds?: readonly SimulatorKind[];
  /** Ports on 127.0.0.1 by system name; 0 or absent picks a free one. @default all free */
  ports?: Readonly<Record<string, number>>;
  /** Fresh random credentials instead of the fixed defaults (for a demo anyone on the machine can reach). @default false */
  randomCredentials?: boolean;
}

/** Some running simulators, by system name. */
export interface RunningSimulatorSet {
  /** The running simulators by system name, in start order. */
  byName: ReadonlyMap<string, SimulatorServer>;
  /** One per simulator, in start order, each an entry of `SYSTEMS`. */
  descriptors: SimulatorDescriptor[];
  /** The ground truth over these systems only (which of their records are one person). */
  truth: TruthEntry[];
  stop(): Promise<void>;
}

/** The three simulators of the default set, by name. */
export interface RunningSimulators extends RunningSimulatorSet {
  salesforce: SalesforceSimulator;
  mailchimp: MailchimpSimulator;
  identity: ScimSimulator;
}

/** Options of `startSimulators` (the default set). */
export interface StartSimulatorsOptions {
  /** The population whose records the three systems hold. */
  population: Population;
  /** Ports on 127.0.0.1; 0 or absent picks a free one. @default all free */
  ports?: { salesforce?: number; mailchimp?: number; identity?: number };
  /** Fresh random credentials instead of the fixed defaults (for a demo anyone on the machine can reach). @default false */
  randomCredentials?: boolean;
}

/**
 * Starts the chosen simulators over one population, one after the other in registry order
 * (each kind's descriptor may name one started before it); stops any already started if
 * one fails.
 */
export async function startSimulatorSet(options: StartSimulatorSetOptions): Promise<RunningSimulatorSet> {
  const { population, kinds = simulatorKinds.filter((kind) => kind.inDefaultSet), ports = {}, randomCredentials = false } = options;
  const byName = new Map<string, SimulatorServer>();
  const descriptors: SimulatorDescriptor[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all([...byName.values()].map((simulator) => simulator.stop()));
  };
  try {
    for (const kind of kinds) {
      const simulator = await kind.start(population, { port: ports[kind.name] ?? 0, randomCredentials });
      byName.set(kind.name, simulator);
      descriptors.push(kind.describe ? kind.describe(simulator.descriptor, descriptors) : simulator.descriptor);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { byName, descriptors, truth: truthOf(population, kinds), stop };
}

/** Starts the CRM, ESP and identity simulators (the default set) over one population; stops any already started if one fails. */
export async function startSimulators(options: StartSimulatorsOptions): Promise<RunningSimulators> {
  const set = await startSimulatorSet({ population: options.population, ports: options.ports, randomCredentials: options.randomCredentials });
  return {
    ...set,
    salesforce: set.byName.get('salesforce') as SalesforceSimulator,
    mailchimp: set.byName.get('mailchimp') as MailchimpSimulator,
    identity: set.byName.get('identity') as ScimSimulator,
  };
}
