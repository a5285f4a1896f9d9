// ESLint (flat config): typescript-eslint's type-aware rules, the React hooks rules, and the
// layering of src/: app -> features -> lib / components / types, and no feature importing
// another (`app/` composes them). `make lint` runs `npm run lint`.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const features = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const boundaries = [
  // A feature reaches only its own folder and the shared layers below it.
  ...features.map((feature) => ({
    target: `./src/features/${feature}`,
    from: './src/features',
    except: [`./${feature}`],
    message: 'Features never import each other: compose them in src/app/, or move the shared piece to src/lib/ or src/components/.',
  })),
  {
    target: './src/features',
    from: './src/app',
    message: 'Features do not import the app layer; the app passes what they need as props.',
  },
  {
    target: ['./src/lib', './src/components', './src/types'],
    from: ['./src/app', './src/features'],
    message: 'The shared layers (lib, components, types) never import the app or a feature.',
  },
];

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'src/lib/api-schema.d.ts'] },
  {
    files: ['src/**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked, reactHooks.configs.flat['recommended-latest']],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.app.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: boundaries }],
      'import-x/no-cycle': 'error',
      // Query keys come from the factories in src/lib/query-keys.ts, never spelled inline.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Property[key.name="queryKey"] > ArrayExpression',
          message: 'Use a key factory from @/lib/query-keys instead of an inline array.',
        },
        {
          selector: 'CallExpression[callee.property.name=/^(get|set)QueryData$/] > ArrayExpression.arguments:first-child',
          message: 'Use a key factory from @/lib/query-keys instead of an inline array.',
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // An async function that fills a Promise-returning slot (fetch-event-source's onopen, a
      // fetch stand-in) is clearer than a hand-built Promise.resolve().
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests build fixtures and fake responses loosely; the type checker still checks them.
    files: ['src/**/*.test.{ts,tsx}', 'src/testing/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // A fake fetch rejects with its signal's reason, exactly as the browser's does.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
);
