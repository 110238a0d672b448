import { randomBytes } from 'node:crypto';
import { recordsOfPeople, type SimulatorKind } from '../simulator-kind';

/** The Mailchimp simulator as a registry entry: the ESP of the default demo. */
export const mailchimpKind: SimulatorKind = Object.freeze<SimulatorKind>({
  name: 'mailchimp',
  dialect: 'mailchimp',
  inDefaultSet: true,
  start: async (population, { port, randomCredentials }) => {
    const { startMailchimpSimulator } = await import('./mailchimp-simulator');
    return startMailchimpSimulator({
      port,
      members: population.mailchimpMembers,
      listId: population.mailchimpListId,
      apiKey: randomCredentials ? `${randomBytes(16).toString('hex')}-us1` : undefined,
    });
  },
  truth: (population) => recordsOfPeople(population, 'mailchimp'),
});
