import { createHash } from 'node:crypto';

/**
 * Mailchimp's subscriber hash, the member's id in URLs: the MD5 of the lower-cased email.
 * https://mailchimp.com/developer/marketing/docs/methods-parameters/#path-parameters
 */
export function subscriberHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}
