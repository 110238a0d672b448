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
      DEMO_SYSTEMS: ['salesforce', 'mailchimp', 'identity'],
      SHUTDOWN_TIMEOUT_MS: 10_000,
      CONSENT_FEED_POLL_MS: 200,
      CONSENT_FEED_SETTLE_MS: 500,
      OIDC_CONSOLE_SCOPE: 'openid profile',
      OIDC_ROLES_CLAIM: 'roles',
      OIDC_CLOCK_SKEW_SECONDS: 60,
      PROPAGATION_RETRY: { maxAttempts: 30, baseMs: 2000, capMs: 7_200_000 },
      PROPAGATION_CONCURRENCY: 8,
      PROPAGATION_LEASE_MS: 60_000,
      POLL_INTERVAL_MS: 15_000,
      PROPAGATION_SAMPLE_MS: 60_000,
      FIELD_SCAN_INTERVAL_MS: 600_000,
      FIELD_SCAN_SAMPLE: 500,
      WEBHOOK_SECRETS: {},
    });
  });

  it('reads the public URL without its trailing slash, and refuses one with a query or another scheme', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://prefs.example.com/gateway/' }).PUBLIC_URL).toBe('https://prefs.example.com/gateway');
    expect(() => loadConfig({ PUBLIC_URL: 'https://prefs.example.com/?a=1' })).toThrow(/^Invalid configuration: PUBLIC_URL=".+" is not valid; expected the URL people reach the gateway at/);
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://prefs.example.com' })).toThrow(/PUBLIC_URL="ftp:\/\/prefs.example.com" is not valid/);
  });

  it('reads the retry schedule and the webhook secrets (one, or several while rotating)', () => {
    const config = loadConfig({ PROPAGATION_RETRY: 'maxAttempts=5, baseMs=100', WEBHOOK_SECRETS: '{"mailchimp":"a-url-secret-of-24-chars","crm":["whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAA","whsec_BBBBBBBBBBBBBBBBBBBBBBBBBBBB"]}' });
    expect(config.PROPAGATION_RETRY).toEqual({ maxAttempts: 5, baseMs: 100, capMs: 7_200_000 });
    expect(config.WEBHOOK_SECRETS).toEqual({ mailchimp: ['a-url-secret-of-24-chars'], crm: ['whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'whsec_BBBBBBBBBBBBBBBBBBBBBBBBBBBB'] });
  });

  it('refuses a bad retry schedule, saying what it takes, and never echoes webhook secrets', () => {
    expect(() => loadConfig({ PROPAGATION_RETRY: 'attempts=5' })).toThrow('PROPAGATION_RETRY="attempts=5" is not valid; expected "attempts=5" is not a retry setting; use maxAttempts=<n >= 1>, baseMs=<ms>, capMs=<ms>, comma-separated..');
    const refused = () => loadConfig({ WEBHOOK_SECRETS: '{"crm":"short"}' });
    expect(refused).toThrow('WEBHOOK_SECRETS=(value hidden) is not valid');
    expect(refused).not.toThrow(/short/);
  });

  it('reads DEMO_SYSTEMS as default, all or a comma list, in start order, and says what it takes otherwise', () => {
    expect(loadConfig({ DEMO_SYSTEMS: 'default' }).DEMO_SYSTEMS).toEqual(['salesforce', 'mailchimp', 'identity']);
    expect(loadConfig({ DEMO_SYSTEMS: 'all' }).DEMO_SYSTEMS).toEqual(expect.arrayContaining(['salesforce', 'mailchimp', 'identity']));
    expect(loadConfig({ DEMO_SYSTEMS: 'identity, salesforce' }).DEMO_SYSTEMS).toEqual(['salesforce', 'identity']);
    expect(() => loadConfig({ DEMO_SYSTEMS: 'salesforce,hubspot' })).toThrow(
      /^Invalid configuration: DEMO_SYSTEMS="salesforce,hubspot" is not valid; expected default, all, or a comma list of distinct simulator names from salesforce, mailchimp, identity.* \("hubspot" is not one\)\.$/,
    );
    expect(() => loadConfig({ DEMO_SYSTEMS: 'mailchimp,mailchimp' })).toThrow(/mailchimp is named twice/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(4000);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT="abc"'],
    [{ PORT: '-1' }, 'PORT="-1"'],
    [{ SHUTDOWN_TIMEOUT_MS: 'soon' }, 'SHUTDOWN_TIMEOUT_MS="soon"'],
    [{ CONSENT_FEED_POLL_MS: '5' }, 'CONSENT_FEED_POLL_MS="5"'],
    [{ FIELD_SCAN_INTERVAL_MS: '500' }, 'FIELD_SCAN_INTERVAL_MS="500"'],
    [{ FIELD_SCAN_SAMPLE: '0' }, 'FIELD_SCAN_SAMPLE="0"'],
    [{ PROPAGATION_SAMPLE_MS: '120000' }, 'PROPAGATION_SAMPLE_MS="120000"'],
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
