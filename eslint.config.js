// @ts-check
// `npm run lint`: typescript-eslint's type-checked rules over everything tsconfig.json covers.
// The rules kept are the ones that catch real bugs in a long-running bot (a floating promise whose
// rejection crashes the process, an async callback where a sync one is expected, a method torn off
// its object, a value that prints as "[object Object]"). A rule is turned off only with its reason.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'coverage/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's test()/describe() return promises the runner itself awaits.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }],
      }],
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_',
        varsIgnorePattern: '^_',
        caughtErrorsIgnorePattern: '^_',
        destructuredArrayIgnorePattern: '^_',
        // `const { secret: _secret, ...rest } = row` is how a field is dropped from a copy.
        ignoreRestSiblings: true,
      }],
      '@typescript-eslint/restrict-template-expressions': ['error', {
        allowNumber: true,
        // Decimal's toString is its exact value: how src/core writes amounts into messages.
        allow: [{ from: 'lib', name: ['Error', 'URL', 'URLSearchParams'] }, { from: 'package', package: 'decimal.js', name: 'Decimal' }],
      }],
      // `let x; … () => x?.y …; x = build(…)`: a closure built before x is (app.ts wires services so).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Off: an async method that implements a Promise-returning interface (a fake sink, a cached
      // lookup) need not await; the rule's only fix is a different signature, not a bug fix.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Off in tests: they read wire payloads from local fakes (JSON.parse, res.json(), Discord
      // and Telegram bodies) and assert on their fields; the assertion is the type check there.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  // The two .mjs worker entries (and this file) are outside tsconfig.json: lint them without types.
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
