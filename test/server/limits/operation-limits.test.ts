import type { Principal } from '../../../src/access/principal';
import { loadLimitsConfig } from '../../../src/server/limits/limits-config';
import { defaultOperationLimits, defaultRoleLimits, limitsForPrincipal } from '../../../src/server/limits/operation-limits';
import { rateLimitKey } from '../../../src/server/limits/rate-limit';

const principal = (roles: Principal['roles']): Principal => ({ id: 'key-1', kind: 'api-key', name: 'test', roles });
const settings = { defaults: defaultOperationLimits, byRole: defaultRoleLimits };

describe('limits per principal', () => {
  it("gives a caller without a principal, or without roles, GraphQL Armor's defaults", () => {
    const armor = { depth: 6, aliases: 15, directives: 50, tokens: 1000, cost: 5000 };
    expect(limitsForPrincipal(undefined, settings)).toMatchObject(armor);
    expect(limitsForPrincipal(principal([]), settings)).toEqual(limitsForPrincipal(undefined, settings));
  });

  it('gives a role its own limits over the defaults', () => {
    expect(limitsForPrincipal(principal(['offer-engine']), settings)).toEqual({ ...defaultOperationLimits, listSize: 10_000, cost: 50_000, ratePerSecond: 200, burst: 400 });
    expect(limitsForPrincipal(principal(['support-agent']), settings)).toEqual(defaultOperationLimits);
  });

  it('gives a principal with several roles the most generous value of each limit', () => {
    const limits = limitsForPrincipal(principal(['customer', 'internal-app', 'offer-engine']), settings);
    expect(limits).toEqual({ ...defaultOperationLimits, listSize: 10_000, cost: 50_000, sourceCalls: 2000, ratePerSecond: 200, burst: 400 });
  });

  it("keys the rate limit by the principal's id, else by the client address", () => {
    expect(rateLimitKey(principal(['admin']), { ip: '10.0.0.1' })).toBe('principal:key-1');
    expect(rateLimitKey(undefined, { ip: '10.0.0.1' })).toBe('ip:10.0.0.1');
  });
});

describe('limits configuration', () => {
  it('reads LIMITS over the defaults and LIMITS_BY_ROLE over the built-in role limits', () => {
    const config = loadLimitsConfig({ LIMITS: '{"depth":8,"cost":8000}', LIMITS_BY_ROLE: '{"internal-app":{"sourceCalls":3000},"admin":{"aliases":40}}' });
    expect(config.defaults).toEqual({ ...defaultOperationLimits, depth: 8, cost: 8000 });
    expect(config.byRole['internal-app']).toEqual({ ...defaultRoleLimits['internal-app'], sourceCalls: 3000 });
    expect(config.byRole.admin).toEqual({ ...defaultRoleLimits.admin, aliases: 40 });
    expect(config.byRole['offer-engine']).toEqual(defaultRoleLimits['offer-engine']);
  });

  it('uses the built-in limits when neither is set', () => {
    expect(loadLimitsConfig({})).toEqual({ defaults: defaultOperationLimits, byRole: defaultRoleLimits });
  });

  it.each([
    ['LIMITS', '{"depth":0}'],
    ['LIMITS', '{"depht":7}'],
    ['LIMITS', '{"cost":"a lot"}'],
    ['LIMITS', 'not json'],
    ['LIMITS_BY_ROLE', '{"superuser":{"depth":9}}'],
    ['LIMITS_BY_ROLE', '{"admin":{"depth":1.5}}'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadLimitsConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name} is not valid`));
  });
});
