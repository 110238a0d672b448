/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Type errors are caught by `npm run typecheck`; tests only transpile, which keeps them fast.
  transform: {
    '^.+\\.ts$': 'ts-jest',
    // jose ships ES modules only; Node's require(esm) does not reach into Jest's module system, so Jest compiles it.
    '/node_modules/jose/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true }, diagnostics: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // One FerretDB for the whole run (or MONGODB_URI); each test file takes its own database.
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/harness/summary-reporter.js'],
  // Two cores: more workers only fight over them and the one store.
  maxWorkers: 2,
};
