import type { ChangeAuthor, ObservedRequest } from '../consent/consent-model';
import type { Principal } from './principal';

const recorderKinds = { 'api-key': 'API_KEY', user: 'USER', customer: 'CUSTOMER' } as const;
const actorKinds = { 'api-key': 'SYSTEM', user: 'AGENT', customer: 'CUSTOMER' } as const;

/**
 * Who a consent change is from when the caller sent it: a customer's link is the
 * customer (CUSTOMER, their customer id), a person's token an agent (AGENT, the
 * principal id), an API key a system (SYSTEM, the key's principal id). The principal is
 * also recorded beside the change, by id and roles, never by credential. For a
 * customer, who acts from their own browser, `request` (the IP address and user agent
 * the gateway saw) becomes the evidence's; staff and systems send the person's own.
 */
export function changeAuthorOf(principal: Principal, request?: ObservedRequest): ChangeAuthor {
  return {
    actor: { kind: actorKinds[principal.kind], id: principal.kind === 'customer' && principal.customerId ? principal.customerId : principal.id },
    recordedBy: { id: principal.id, kind: recorderKinds[principal.kind], roles: [...principal.roles] },
    ...(principal.kind === 'customer' && request ? { observed: request } : {}),
  };
}
