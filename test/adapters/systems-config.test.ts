import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config';
import { loadSystemsConfig, parseSystemsConfig } from '../../src/adapters/systems-config';
import { systemsConfigFromDescriptors } from '../../src/adapters/systems-config-from-descriptors';

const crm = {
  name: 'crm',
  dialect: 'salesforce',
  baseUrl: 'https://example.my.salesforce.com',
  credentials: { clientId: 'id', clientSecret: 'env:CRM_SECRET' },
};

describe('loadSystemsConfig', () => {
  it('is null when neither SYSTEMS nor SYSTEMS_FILE is set', () => {
    expect(loadSystemsConfig({})).toBeNull();
  });

  it('reads SYSTEMS and resolves env: credentials', () => {
    const systems = loadSystemsConfig({ SYSTEMS: JSON.stringify([crm]), CRM_SECRET: 's3cret' });
    expect(systems).toEqual([{ ...crm, credentials: { clientId: 'id', clientSecret: 's3cret' }, options: {} }]);
  });

  it('reads SYSTEMS_FILE', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'systems-')), 'systems.json');
    writeFileSync(file, JSON.stringify([{ ...crm, credentials: { clientId: 'id', clientSecret: 'x' } }]));
    expect(loadSystemsConfig({ SYSTEMS_FILE: file })?.[0]?.name).toBe('crm');
  });

  it('allows two systems of one dialect under different names', () => {
    const systems = parseSystemsConfig([crm, { ...crm, name: 'crm-eu' }], { CRM_SECRET: 'x' });
    expect(systems.map((system) => system.name)).toEqual(['crm', 'crm-eu']);
  });

  it.each([
    ['not JSON', { SYSTEMS: '[' }, 'SYSTEMS is not valid JSON; expected an array of systems.'],
    ['both variables', { SYSTEMS: '[]', SYSTEMS_FILE: '/x.json' }, 'set SYSTEMS or SYSTEMS_FILE, not both.'],
    ['a missing file', { SYSTEMS_FILE: '/no/such/systems.json' }, 'SYSTEMS_FILE=/no/such/systems.json cannot be read (ENOENT).'],
    ['an empty list', { SYSTEMS: '[]' }, 'SYSTEMS is not valid; expected at least one system.'],
    ['a duplicate name', { SYSTEMS: JSON.stringify([crm, crm]), CRM_SECRET: 'x' }, 'SYSTEMS[1].name is not valid; expected a unique name (crm is used twice).'],
    ['a bad URL', { SYSTEMS: JSON.stringify([{ ...crm, baseUrl: 'ftp://x' }]) }, 'SYSTEMS[0].baseUrl is not valid; expected an http(s) URL.'],
    [
      'a bad option',
      { SYSTEMS: JSON.stringify([{ ...crm, options: { breaker: { consecutiveFailures: 0 } } }]) },
      'SYSTEMS[0].options.breaker.consecutiveFailures is not valid; expected a whole number of failures from 1 to 1000.',
    ],
    [
      'a SCIM batch size of 0',
      { SYSTEMS: JSON.stringify([{ ...crm, options: { idBatchSize: 0 } }]), CRM_SECRET: 'x' },
      'SYSTEMS[0].options.idBatchSize is not valid; expected a whole number of ids per batched read from 1 to 200.',
    ],
    [
      'an unset env: credential',
      { SYSTEMS: JSON.stringify([crm]) },
      'SYSTEMS[0].credentials.clientSecret reads the environment variable CRM_SECRET, which is not set.',
    ],
  ])('refuses %s with a message naming the setting', (_case, env, message) => {
    expect(() => loadSystemsConfig(env)).toThrow(new ConfigError(`Invalid configuration: ${message}`));
  });

  it('never echoes a credential value in an error', () => {
    const env = { SYSTEMS: JSON.stringify([{ ...crm, credentials: { clientId: 'id', clientSecret: 'hunter2' }, baseUrl: 'nope' }]) };
    expect(() => loadSystemsConfig(env)).toThrow(ConfigError);
    try {
      loadSystemsConfig(env);
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});

describe('systemsConfigFromDescriptors', () => {
  it('makes one system per simulator line, pointing the identity system at the CRM', () => {
    const systems = systemsConfigFromDescriptors([
      { name: 'salesforce', dialect: 'salesforce', baseUrl: 'http://127.0.0.1:1', credentials: { clientId: 'a', clientSecret: 'b' } },
      { name: 'identity', dialect: 'scim', baseUrl: 'http://127.0.0.1:2/scim/v2', credentials: { bearerToken: 't' } },
    ]);
    expect(systems).toEqual([
      { name: 'salesforce', dialect: 'salesforce', baseUrl: 'http://127.0.0.1:1', credentials: { clientId: 'a', clientSecret: 'b' }, options: {} },
      {
        name: 'identity',
        dialect: 'scim',
        baseUrl: 'http://127.0.0.1:2/scim/v2',
        credentials: { bearerToken: 't' },
        options: { crossReferenceSystem: 'salesforce' },
      },
    ]);
  });
});
