import { randomBytes } from 'node:crypto';
import type { SimulatorDescriptor } from './simulator';

/**
 * Webhook secrets for a gateway over these simulators: Mailchimp's is the secret in its
 * webhook URL, the others' are Standard Webhooks signing secrets (`whsec_` + base64 of 32
 * random bytes). The shape `WEBHOOK_SECRETS` takes.
 */
export function newWebhookSecrets(descriptors: readonly SimulatorDescriptor[]): Record<string, string[]> {
  return Object.fromEntries(
    descriptors.map((descriptor) => [
      descriptor.name,
      [descriptor.dialect === 'mailchimp' ? randomBytes(24).toString('base64url') : descriptor.dialect === 'sapcdc' ? randomBytes(32).toString('base64') : `whsec_${randomBytes(32).toString('base64')}`],
    ]),
  );
}

/**
 * Registers the gateway's webhook endpoints with each simulator, as an operator would
 * with each vendor: Mailchimp through its own API (`POST /lists/{list_id}/webhooks`,
 * which checks the URL with a GET first, so the gateway must be listening), the others
 * through the simulators' admin API (their vendors configure outbound messages in a
 * console). Changes made through the API are included, so our own writes come back as
 * echoes, as they would from the real systems.
 */
export async function registerWebhooks(descriptors: readonly SimulatorDescriptor[], gatewayUrl: string, secrets: Readonly<Record<string, readonly string[]>>): Promise<void> {
  for (const descriptor of descriptors) {
    const secret = secrets[descriptor.name]?.[0];
    if (!secret) continue;
    const response =
      descriptor.dialect === 'mailchimp'
        ? await fetch(`${descriptor.baseUrl}/lists/${descriptor.credentials.listId}/webhooks`, {
            method: 'POST',
            headers: { authorization: `Basic ${Buffer.from(`gateway:${descriptor.credentials.apiKey}`).toString('base64')}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              url: `${gatewayUrl}/webhooks/${encodeURIComponent(descriptor.name)}/${secret}`,
              events: { subscribe: true, unsubscribe: true, profile: true, cleaned: true, upemail: true, campaign: false },
              sources: { user: true, admin: true, api: true },
            }),
          })
        : await fetch(`${new URL(descriptor.baseUrl).origin}/__admin/webhooks`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ url: `${gatewayUrl}/webhooks/${encodeURIComponent(descriptor.name)}`, secret }),
          });
    if (!response.ok) throw new Error(`registering the gateway's webhook with ${descriptor.name} failed: HTTP ${response.status}`);
  }
}
