import type { GatewayError } from '../../shared/gateway-client';
import { FieldState, when } from '../field-state';
import type { Customer } from './customer-page';

/** What the CRM, the email platform and the identity system know that no other system does. */
export function ViewsPanel({ customer, errors }: { customer: Customer; errors: readonly GatewayError[] }) {
  const { crm, engagement, identity } = customer;
  return (
    <section className="panel" aria-labelledby="views-title">
      <h2 id="views-title">In the systems</h2>
      <div className="views">
        <div data-testid="view-crm">
          <h3>CRM</h3>
          <FieldState errors={errors} path={['customer', 'crm']}>
            {crm ? (
              <dl>
                <dt>Account</dt><dd>{crm.accountName ?? '–'}</dd>
                <dt>Owner</dt><dd>{crm.ownerName ?? '–'}</dd>
                <dt>Tier</dt><dd>{crm.tier ?? '–'}</dd>
                <dt>Lifetime value</dt><dd>{crm.lifetimeValue?.toLocaleString() ?? '–'}</dd>
                <dt>Open opportunities</dt><dd>{crm.openOpportunities ?? '–'}</dd>
                <dt>Open cases</dt><dd>{crm.openCases ?? '–'}</dd>
              </dl>
            ) : <span className="muted">no CRM record</span>}
          </FieldState>
        </div>
        <div data-testid="view-engagement">
          <h3>Email platform</h3>
          <FieldState errors={errors} path={['customer', 'engagement']}>
            {engagement ? (
              <dl>
                <dt>Status</dt><dd>{engagement.subscriptionStatus ?? '–'}</dd>
                <dt>Lists</dt><dd>{engagement.lists.join(', ') || '–'}</dd>
                <dt>Interests</dt><dd>{engagement.interests.join(', ') || '–'}</dd>
                <dt>Changed</dt><dd>{when(engagement.lastChangedAt)}</dd>
              </dl>
            ) : <span className="muted">no email platform record</span>}
          </FieldState>
        </div>
        <div data-testid="view-identity">
          <h3>Identity system</h3>
          <FieldState errors={errors} path={['customer', 'identity']}>
            {identity ? (
              <dl>
                <dt>Login</dt><dd>{identity.username ?? '–'}</dd>
                <dt>Active</dt><dd>{identity.active === null ? '–' : identity.active ? 'yes' : 'no'}</dd>
                <dt>Last login</dt><dd>{when(identity.lastLoginAt)}</dd>
              </dl>
            ) : <span className="muted">no identity record</span>}
          </FieldState>
        </div>
      </div>
    </section>
  );
}
