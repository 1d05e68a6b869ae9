// Flat config. Rules are syntax-only (no type information) so a full `eslint .` stays fast on a small CI box;
// type errors are the job of `npm run typecheck`.
import nx from '@nx/eslint-plugin';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const testFiles = ['**/*.spec.ts', '**/*.test.ts', '**/test/**/*.ts'];

const readonly = (names) => Object.fromEntries(names.map((name) => [name, 'readonly']));

// The globals of the Node that runs the linter, which is the Node that runs the tools.
const nodeGlobals = readonly(Object.getOwnPropertyNames(globalThis));
const commonjsGlobals = readonly(['require', 'module', 'exports', '__dirname', '__filename']);

const jestGlobals = readonly([
  'describe',
  'it',
  'test',
  'expect',
  'jest',
  'beforeAll',
  'afterAll',
  'beforeEach',
  'afterEach',
]);

// No focused or skipped tests: a skipped test is a silent gap in the suite.
const focusedOrSkipped = ['describe', 'it', 'test'].flatMap((object) =>
  ['only', 'skip'].map((property) => ({
    object,
    property,
    message: `${object}.${property} is not allowed: focused and skipped tests do not land.`,
  })),
);

const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform'] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts'] },
  {
    sourceTag: 'type:contracts',
    onlyDependOnLibsWithTags: ['type:contracts'],
    // Contracts are plain types and schemas (zod is fine): no framework, database or transport package.
    bannedExternalImports: ['@nestjs/*', 'typeorm', 'pg', '@nats-io/*', 'fastify', '@fastify/*'],
  },
  // A gateway reads every service's contracts and nothing else of theirs.
  {
    sourceTag: 'scope:gateway',
    onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared', 'type:contracts'],
  },
  { sourceTag: 'scope:org-structure', onlyDependOnLibsWithTags: ['scope:org-structure', 'scope:shared'] },
  // Identity reads org-structure's unit events (role assignments follow merged units): its contracts only.
  { sourceTag: 'scope:identity', onlyDependOnLibsWithTags: ['scope:identity', 'scope:shared', 'scope:org-structure', 'scope:org-read-model'] },
  // The registry lists every service: it reads their contracts and nothing else.
  { sourceTag: 'scope:registry', onlyDependOnLibsWithTags: ['scope:shared', 'type:contracts'] },
  // The organisation read model follows org-structure's events: shared platform libraries and org-structure's
  // contracts (type:platform keeps the app out). A service keeping it adds 'scope:org-read-model' to its own list.
  { sourceTag: 'scope:org-read-model', onlyDependOnLibsWithTags: ['scope:shared', 'scope:org-structure'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
];

export default defineConfig(
  globalIgnores(['**/dist/**', '**/node_modules/**', '.data/**', '.nx/**', 'bench/results/**', '**/coverage/**']),

  tseslint.configs.recommended,

  {
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },

  {
    files: ['**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', { allow: [], depConstraints }] },
  },

  // org-structure's integration tests check that its events rebuild its tree in the read model other services keep.
  {
    files: ['apps/org-structure/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: depConstraints.map((constraint) =>
            constraint.sourceTag === 'scope:org-structure'
              ? { ...constraint, onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, 'scope:org-read-model'] }
              : constraint,
          ),
        },
      ],
    },
  },

  {
    files: ['{apps,libs}/**/src/**/*.ts'],
    ignores: testFiles,
    rules: { 'no-console': 'error' },
  },

  {
    files: testFiles,
    languageOptions: { globals: jestGlobals },
    rules: {
      'no-restricted-properties': ['error', ...focusedOrSkipped],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.name=/^(fit|fdescribe|xit|xdescribe|xtest)$/]',
          message: 'Focused (f…) and skipped (x…) tests are not allowed.',
        },
        {
          selector: 'MemberExpression[object.name=/^(fit|fdescribe|xit|xdescribe|xtest)$/]',
          message: 'Focused (f…) and skipped (x…) tests are not allowed.',
        },
      ],
    },
  },

  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: nodeGlobals },
    rules: { 'no-undef': 'error' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: commonjsGlobals },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  prettier,
);
