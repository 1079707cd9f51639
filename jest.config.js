// One jest run, two projects: pure unit tests (no infrastructure) and tests against real infrastructure.
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];
const common = {
  transform: { '^.+\\.(ts|js|mjs)$': swc },
  // ESM-only packages (bpmn-moddle, feelin, intl-messageformat and theirs) are compiled to CommonJS like our code.
  transformIgnorePatterns: [
    '/node_modules/(?!(bpmn-moddle|moddle|moddle-xml|saxen|min-dash|feelin|lezer-feel|@lezer|@bpmn-io|temporal-polyfill|temporal-spec|temporal-utils|intl-messageformat|@formatjs)/)',
  ],
  testEnvironment: 'node',
  moduleNameMapper: {
    '^@loanflow/(platform|proto)$': '<rootDir>/packages/$1/src',
    '^@loanflow/launcher$': '<rootDir>/launcher/src',
    '^@loanflow/(identity|applications|workflow|accounting|documents|notifications|reporting)$':
      '<rootDir>/services/$1/src/main',
    '^@loanflow/gateway$': '<rootDir>/gateway/src/main',
  },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};
module.exports = {
  // Per-project timeouts are ignored by jest; integration tests against real infrastructure need room.
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/{packages,services,gateway}/**/src/**/*.test.ts',
        '<rootDir>/gateway/src/**/*.test.ts',
        '<rootDir>/web/src/**/*.test.ts',
        '<rootDir>/test/lint/**/*.test.ts',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/{packages,services}/*/test/**/*.test.ts',
        '<rootDir>/gateway/test/**/*.test.ts',
        '<rootDir>/launcher/test/**/*.test.ts',
        '<rootDir>/test/{smoke,e2e,deploy,browser}/**/*.test.ts',
      ],
      setupFiles: ['<rootDir>/test/infra/jest-env.js'],
    },
  ],
};
