import { loadConfig, ConfigError } from '../src/config';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      PORT: 4000,
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      MONGODB_DB: 'gateway',
      DATA_DIR: '.data',
      POPULATION: 1000,
      SEED: 1,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      CONSENT_FEED_POLL_MS: 200,
      CONSENT_FEED_SETTLE_MS: 500,
      OIDC_ROLES_CLAIM: 'roles',
      OIDC_CLOCK_SKEW_SECONDS: 60,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(4000);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT="abc"'],
    [{ PORT: '-1' }, 'PORT="-1"'],
    [{ SHUTDOWN_TIMEOUT_MS: 'soon' }, 'SHUTDOWN_TIMEOUT_MS="soon"'],
    [{ CONSENT_FEED_POLL_MS: '5' }, 'CONSENT_FEED_POLL_MS="5"'],
    [{ MONGODB_DB: 'a.b' }, 'MONGODB_DB="a.b"'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV="staging"'],
    [{ OIDC_ISSUER: 'https://login.example.com' }, 'OIDC_AUDIENCE=(not set)'],
    [{ OIDC_ISSUER: 'not a url', OIDC_AUDIENCE: 'gateway' }, 'OIDC_ISSUER="not a url"'],
  ])('rejects %j with a one-line message naming the variable', (env, named) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration: ${named.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid; expected .+\\.$`));
  });

  it('never echoes a connection string, which may hold a password', () => {
    expect(() => loadConfig({ MONGODB_URI: 'postgres://u:hunter2@db' })).toThrow('MONGODB_URI=(value hidden)');
  });
});
