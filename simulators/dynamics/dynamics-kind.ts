import { randomBytes } from 'node:crypto';
import type { SimulatorKind } from '../simulator-kind';
import { dynamicsPopulation } from './dynamics-population';

/** The Dynamics 365 (Dataverse) simulator as a registry entry: a second CRM, started by `DEMO_SYSTEMS=all` or by name. */
export const dynamicsKind: SimulatorKind = Object.freeze<SimulatorKind>({
  name: 'dynamics',
  dialect: 'dynamics',
  inDefaultSet: false,
  start: async (population, { port, randomCredentials }) => {
    const { startDynamicsSimulator } = await import('./dynamics-simulator');
    return startDynamicsSimulator({
      port,
      contacts: dynamicsPopulation(population).contacts,
      clientSecret: randomCredentials ? `dv-secret~${randomBytes(12).toString('hex')}` : undefined,
    });
  },
  truth: (population) => dynamicsPopulation(population).truth,
});
