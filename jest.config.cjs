// Three tiers kept apart (ARCHITECTURE "Tests"): each runs alone with `jest --selectProjects <tier>`.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // NestJS 12 and a few of its dependencies ship ESM only; compile them for jest's CommonJS runtime.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|jose|cookie|file-type|strtok3|token-types|uint8array-extras|@tokenizer|content-disposition)/)'],
  moduleNameMapper: {
    '^@contracts/(.*)$': '<rootDir>/libs/contracts/$1/src/index.ts',
    '^@platform/(.*)$': '<rootDir>/libs/platform/$1/src/index.ts',
  },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/', '<rootDir>/.data/'],
  rootDir: __dirname,
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/src/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/tools/jest/global-setup.cjs',
      globalTeardown: '<rootDir>/tools/jest/global-teardown.cjs',
      setupFilesAfterEnv: ['<rootDir>/tools/jest/long-timeout.cjs'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/tools/jest/global-setup.cjs',
      globalTeardown: '<rootDir>/tools/jest/global-teardown.cjs',
      setupFilesAfterEnv: ['<rootDir>/tools/jest/long-timeout.cjs'],
    },
  ],
};
