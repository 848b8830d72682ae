// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * Layers import one way: core ← catalog ← engines, detect, ingest, demo ← store ← server, cli, scale.
 * Each layer lists the layers it must not import; a wrong arrow fails `npm run lint`.
 */
const LAYERS = ['core', 'catalog', 'engines', 'detect', 'ingest', 'demo', 'store', 'server', 'cli', 'scale'];
const ALLOWED = {
  core: [],
  catalog: ['core'],
  engines: ['core', 'catalog'],
  detect: ['core', 'catalog'],
  ingest: ['core', 'catalog'],
  demo: ['core', 'catalog'],
  store: ['core', 'catalog', 'engines', 'detect', 'ingest'],
  server: ['core', 'catalog', 'engines', 'detect', 'ingest', 'store'],
  cli: ['core', 'catalog', 'engines', 'detect', 'ingest', 'demo', 'store', 'server', 'scale'],
  scale: ['core', 'catalog', 'engines', 'detect', 'ingest', 'store'],
};

const layerRules = LAYERS.map((layer) => {
  const banned = LAYERS.filter((l) => l !== layer && !ALLOWED[layer].includes(l));
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...banned.map((b) => ({
              group: [`**/${b}/**`, `**/${b}`],
              message: `src/${layer} must not import src/${b} (layers import one way; see docs/architecture.md)`,
            })),
            ...(layer === 'core'
              ? [{ regex: '^(?!zod$|node:|vitest$|\\.)', message: 'src/core depends on nothing but zod and node built-ins' }]
              : []),
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['node_modules/', '.scratch/', 'dist/', 'data/', 'web/dist/', 'coverage/', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  ...layerRules,
  {
    // Tests may use the demo generator as a realistic model; production code may not.
    files: ['src/engines/**/*.test.ts', 'src/detect/**/*.test.ts', 'src/ingest/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ['store', 'server', 'cli', 'scale'].map((b) => ({
            group: [`**/${b}/**`, `**/${b}`],
            message: `tests of this layer must not import src/${b}`,
          })),
        },
      ],
    },
  },
);
