import { randomBytes } from 'node:crypto';
import { recordsOfPeople, type SimulatorKind } from '../simulator-kind';

/**
 * The SCIM simulator as a registry entry: the identity system of the default demo. Its
 * users' `externalId` holds CRM Contact ids, so its descriptor names the first Salesforce
 * system started before it as `crossReferenceSystem`.
 */
export const scimKind: SimulatorKind = Object.freeze<SimulatorKind>({
  name: 'identity',
  dialect: 'scim',
  inDefaultSet: true,
  start: async (population, { port, randomCredentials }) => {
    const { startScimSimulator } = await import('./scim-simulator');
    return startScimSimulator({
      port,
      users: population.scimUsers,
      bearerToken: randomCredentials ? `scim-token-${randomBytes(12).toString('hex')}` : undefined,
    });
  },
  truth: (population) => recordsOfPeople(population, 'identity'),
  describe: (own, before) => {
    const crm = before.find((descriptor) => descriptor.dialect === 'salesforce');
    return crm ? { ...own, options: { ...own.options, crossReferenceSystem: crm.name } } : own;
  },
});
