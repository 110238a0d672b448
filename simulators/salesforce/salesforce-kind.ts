import { randomBytes } from 'node:crypto';
import { recordsOfPeople, type SimulatorKind } from '../simulator-kind';

/** The Salesforce simulator as a registry entry: the CRM of the default demo. */
export const salesforceKind: SimulatorKind = Object.freeze<SimulatorKind>({
  name: 'salesforce',
  dialect: 'salesforce',
  inDefaultSet: true,
  start: async (population, { port, randomCredentials }) => {
    const { startSalesforceSimulator } = await import('./salesforce-simulator');
    return startSalesforceSimulator({
      port,
      contacts: population.salesforceContacts,
      opportunities: population.salesforceOpportunities,
      opportunityContactRoles: population.salesforceOpportunityContactRoles,
      clientSecret: randomCredentials ? `sf-secret-${randomBytes(12).toString('hex')}` : undefined,
    });
  },
  truth: (population) => recordsOfPeople(population, 'salesforce'),
});
