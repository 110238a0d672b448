import { createHash } from 'node:crypto';

/**
 * Mailchimp's subscriber hash: the MD5 of the lower-cased email address.
 * https://mailchimp.com/developer/marketing/docs/methods-parameters/#path-parameters
 */
export function subscriberHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}
