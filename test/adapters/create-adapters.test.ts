import { ConfigError } from '../../src/config';
import { createAdapters, sourceDialects } from '../../src/adapters/create-adapters';
import { parseSystemsConfig } from '../../src/adapters/systems-config';

describe('createAdapters', () => {
  it('registers the salesforce, mailchimp, scim, dynamics, eloqua and sapcdc dialects', () => {
    expect([...sourceDialects.keys()]).toEqual(['salesforce', 'mailchimp', 'scim', 'dynamics', 'eloqua', 'sapcdc']);
  });

  it('builds one adapter per system in order, describing each without a secret', async () => {
    const systems = parseSystemsConfig([
      { name: 'crm', dialect: 'salesforce', baseUrl: 'https://user:pw@crm.example?token=x', credentials: { clientId: 'a', clientSecret: 'b' } },
      { name: 'esp', dialect: 'mailchimp', credentials: { apiKey: '0123456789abcdef0123456789abcdef-us6', listId: 'l1' } },
      { name: 'esp-eu', dialect: 'mailchimp', credentials: { apiKey: 'k-us19' }, options: { listId: 'l2' } },
      { name: 'idp', dialect: 'scim', baseUrl: 'https://idp.example/scim/v2', credentials: { bearerToken: 't' } },
    ]);
    const adapters = createAdapters(systems);
    try {
      expect(adapters.map((adapter) => [adapter.name, adapter.dialect])).toEqual([
        ['crm', 'salesforce'],
        ['esp', 'mailchimp'],
        ['esp-eu', 'mailchimp'],
        ['idp', 'scim'],
      ]);
      const described = adapters.map((adapter) => adapter.describe());
      expect(described.map((status) => status.baseUrl)).toEqual([
        'https://crm.example',
        'https://us6.api.mailchimp.com/3.0',
        'https://us19.api.mailchimp.com/3.0',
        'https://idp.example/scim/v2',
      ]);
      expect(described[0]!.health).toEqual({ status: 'HEALTHY', circuit: 'CLOSED', lastError: null, recentLatencyMs: null, apiUsage: null });
      expect(JSON.stringify(described)).not.toMatch(/pw|token=x|0123456789abcdef/);
    } finally {
      await Promise.all(adapters.map((adapter) => adapter.close()));
    }
  });

  it('refuses an unknown dialect, naming the system and the known ones', () => {
    const systems = parseSystemsConfig([{ name: 'erp', dialect: 'sap', baseUrl: 'https://erp.example' }]);
    expect(() => createAdapters(systems)).toThrow(
      new ConfigError('Invalid configuration: system erp has dialect sap; expected one of salesforce, mailchimp, scim, dynamics, eloqua, sapcdc.'),
    );
  });

  it('refuses a system without the credential its dialect needs', () => {
    const systems = parseSystemsConfig([{ name: 'crm', dialect: 'salesforce', baseUrl: 'https://crm.example', credentials: { clientId: 'a' } }]);
    expect(() => createAdapters(systems)).toThrow(/system crm \(salesforce\) needs credentials\.clientSecret/);
  });

  it('refuses a field map entry the dialect cannot map, listing the ones it can', () => {
    const systems = parseSystemsConfig([
      { name: 'crm', dialect: 'salesforce', baseUrl: 'https://crm.example', credentials: { clientId: 'a', clientSecret: 'b' }, fieldMap: { teir: 'Tier__c' } },
    ]);
    expect(() => createAdapters(systems)).toThrow(
      new ConfigError('Invalid configuration: system crm (salesforce) has fieldMap.teir; expected one of tier, lifetimeValue, openCases.'),
    );
  });

  it('refuses a Mailchimp system without a list id', () => {
    const systems = parseSystemsConfig([{ name: 'esp', dialect: 'mailchimp', credentials: { apiKey: 'k-us1' } }]);
    expect(() => createAdapters(systems)).toThrow(/system esp \(mailchimp\) needs options\.listId/);
  });
});
