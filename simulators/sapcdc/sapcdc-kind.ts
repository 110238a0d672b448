import { randomBytes } from 'node:crypto';
import type { SimulatorKind } from '../simulator-kind';
import { sapcdcPopulation } from './sapcdc-population';

/** The SAP Customer Data Cloud (Gigya) simulator as a registry entry: a second identity system, started by `DEMO_SYSTEMS=all` or by name. */
export const sapcdcKind: SimulatorKind = Object.freeze<SimulatorKind>({
  name: 'sapcdc',
  dialect: 'sapcdc',
  inDefaultSet: false,
  start: async (population, { port, randomCredentials }) => {
    const { startSapCdcSimulator } = await import('./sapcdc-simulator');
    return startSapCdcSimulator({
      port,
      accounts: sapcdcPopulation(population).accounts,
      ...(randomCredentials && { secret: randomBytes(32).toString('base64'), partnerSecret: randomBytes(32).toString('base64') }),
    });
  },
  truth: (population) => sapcdcPopulation(population).truth,
});
