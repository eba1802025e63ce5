// ESLint for the handwritten TypeScript (generated/ is the generator's and is checked by `dtls13 generate --check`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['generated/**', 'dist/**', 'node_modules/**', 'tests/fuzz/corpus/**', 'tests/fuzz/crashes/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        performance: 'readonly',
        queueMicrotask: 'readonly',
        setImmediate: 'readonly',
        structuredClone: 'readonly',
        AbortController: 'readonly',
        globalThis: 'readonly',
        NodeJS: 'readonly',
      },
    },
    rules: {
      // The house rules: no any, no ts-ignore (TypeScript strict does the rest).
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-constant-condition': ['error', { checkLoops: false }],
      // Simulation threads are generators whether or not they wait (SystemC SC_THREAD semantics).
      'require-yield': 'off',
    },
  },
  {
    // Small files, one concept each: no handwritten source file over 600 lines (tests and benches excepted).
    files: ['runtime/**/*.ts', 'cli/**/*.ts', 'generator/**/*.ts', 'hwmodel/**/*.ts', 'learn/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 700, skipBlankLines: false, skipComments: false }] },
  },
);
