// ESLint flat config: typescript-eslint's type-checked rules over everything TypeScript in the
// repository. Each rule turned off or tuned below says why; anything not listed is as the
// recommended-type-checked preset has it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'web/dist/**',
      'test-results/**',
      'coverage/**',
      '.data/**',
      'src/stores/hot/generated/**',
      'src/stores/cold/generated/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            'prisma-*/prisma.config.ts',
            'prisma-hot/postgresql/prisma.config.ts',
            'types/hot-engine-postgresql.d.ts',
          ],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    rules: {
      // Async functions that implement a Promise-returning interface (driver adapters, resolvers,
      // hooks) stay async without awaiting, so that a throw becomes a rejection, never a sync throw.
      '@typescript-eslint/require-await': 'off',
      // `_name` marks a parameter an interface requires and this implementation does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests and benchmarks read untyped JSON (GraphQL responses, raw rows) and check its shape with
    // assertions: typing every response would restate the schema without checking anything more.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      // The Node.js globals the plain scripts use (listed rather than adding the `globals` package).
      globals: Object.fromEntries(
        [
          'module',
          'process',
          'console',
          'URL',
          'fetch',
          'performance',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
);
