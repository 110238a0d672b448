import { randomBytes } from 'node:crypto';
import type { SimulatorKind } from '../simulator-kind';
import { eloquaPopulation } from './eloqua-population';

/** The Oracle Eloqua simulator as a registry entry: a second ESP, started by `DEMO_SYSTEMS=all` or by name. */
export const eloquaKind: SimulatorKind = Object.freeze<SimulatorKind>({
  name: 'eloqua',
  dialect: 'eloqua',
  inDefaultSet: false,
  start: async (population, { port, randomCredentials }) => {
    const { startEloquaSimulator } = await import('./eloqua-simulator');
    const slice = eloquaPopulation(population);
    return startEloquaSimulator({
      port,
      contacts: slice.contacts,
      groupSubscriptions: slice.groupSubscriptions,
      password: randomCredentials ? `eq-${randomBytes(12).toString('hex')}` : undefined,
    });
  },
  truth: (population) => eloquaPopulation(population).truth,
});
