import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import loanflow from './eslint-rules/index.mjs';

// Import boundaries (issue 10 §3). no-restricted-imports takes one set of options per file (a
// later block replaces an earlier one), so each block repeats the rules of the wider ones.
const noDeepImports = {
  group: ['@loanflow/*/src', '@loanflow/*/src/**', '@loanflow/*/dist', '@loanflow/*/dist/**'],
  message: 'Import a package by its name (what it exports), not a file of its src/ or dist/.',
};
const noPg = (layer, why) => [
  { name: 'pg', message: `${layer}/ imports no pg: ${why}` },
  { name: 'pg-copy-streams', message: `${layer}/ imports no pg: ${why}` },
];
const domainRules = {
  paths: [
    ...noPg('domain', 'SQL lives in infra/.'),
    {
      name: '@loanflow/proto',
      message: 'domain/ imports no @loanflow/proto: proto<->domain mapping lives in infra/.',
    },
  ],
  patterns: [
    noDeepImports,
    { group: ['pg/*'], message: 'domain/ imports no pg: SQL lives in infra/.' },
    {
      group: ['@loanflow/proto/*'],
      message: 'domain/ imports no @loanflow/proto: proto<->domain mapping lives in infra/.',
    },
    {
      regex: '(^|/)infra(/|$)',
      message:
        'domain/ imports nothing from infra/: infra/ depends on the domain, not the reverse.',
    },
  ],
};
const appRules = {
  paths: noPg('app', 'use cases call repository functions in infra/.'),
  patterns: [
    noDeepImports,
    {
      group: ['pg/*'],
      message: 'app/ imports no pg: use cases call repository functions in infra/.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'packages/proto/src/gen/**',
      'coverage/**',
      '.infra/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    plugins: { loanflow },
    rules: {
      'loanflow/no-cross-package-relative-import': 'error',
      'no-restricted-imports': ['error', { patterns: [noDeepImports] }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['services/*/src/domain/**'],
    rules: { 'no-restricted-imports': ['error', domainRules] },
  },
  {
    files: ['services/*/src/app/**'],
    rules: {
      'no-restricted-imports': ['error', appRules],
      // SQL lives in infra/: a use case calls a repository, it does not run statements itself.
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='query']",
          message: 'app/ runs no SQL: put the statement in an infra/ repository and call that.',
        },
      ],
    },
  },
);
