// The lint gate (npm run lint, part of npm run check): typescript-eslint's type-checked
// rules, the room boundaries of ../shared/STYLE.md as import zones (each with its reason),
// no import cycles, and no console in library rooms. Zero warnings.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';

/** Every room at the repository root, as the room table names them. */
const ROOMS = [
  'schemas',
  'platform',
  'storage',
  'ingest',
  'access',
  'processors',
  'alerts',
  'dashboards',
  'cli',
  'simulator',
  'bench',
  'backtest',
  'test',
  'scripts',
];

/**
 * One zone per row of the room table: `target` may not import from `from`. The message says
 * why, as trpc's config does, so whoever meets the error learns the rule and its reason.
 */
const zone = (target, allowed, why) => ({
  target: `./${target}`,
  from: ROOMS.filter((r) => r !== target && !allowed.includes(r)).map((r) => `./${r}`),
  message: why,
});

const ROOM_ZONES = [
  zone('schemas', [], 'schemas/ holds the contracts every room shares; it may import zod only, never a room (STYLE.md room table).'),
  zone(
    'platform',
    [],
    'platform/ is domain-free plumbing (config, logger, metrics, clients, event log); rooms import it, it imports none of them.',
  ),
  zone(
    'storage',
    ['schemas', 'platform'],
    'storage/ is the store layer: typed functions over SQL; it knows the contracts and the clients, not the rooms that call it.',
  ),
  zone('ingest', ['schemas', 'platform'], 'ingest/ is the hospital edge; it meets the processors at the event log, never by import.'),
  zone(
    'access',
    ['schemas', 'platform', 'storage'],
    'access/ authenticates people and decides nothing about the data: rooms get a Principal and ask schemas/access.ts what it may see.',
  ),
  zone(
    'processors',
    ['schemas', 'platform', 'storage'],
    'processors/ meet ingest at topics and alerts/dashboards at tables: stages never import each other.',
  ),
  zone(
    'alerts',
    ['schemas', 'platform', 'storage'],
    'alerts/ read signals from the store and are handed what they need by cli/; stages never import each other.',
  ),
  zone(
    'dashboards',
    ['schemas', 'platform', 'storage'],
    'dashboards/ read the store; detector code reaches them only through cli/ (the composition root).',
  ),
  zone(
    'simulator',
    ['schemas', 'platform'],
    'simulator/ plays hospitals: it speaks the public contract over HTTP and knows no pipeline internals.',
  ),
];

export default tseslint.config(
  {
    ignores: ['node_modules/', 'data/', '.data*/', 'kafka/target/', 'kafka/run/', 'coverage/', '.tmp/', '.scratch/', 'schemas/json/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', 'bin/*.mjs', 'scripts/*.mjs', 'scripts/kafka/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    // Imports name their files with the extension (`./x.ts`), so the node resolver finds them.
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      // Dependencies are not parsed for no-cycle: PGlite's bundled engine overflows the parser's stack.
      'import-x/ignore': ['node_modules'],
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs'] })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'import-x/no-restricted-paths': ['error', { zones: ROOM_ZONES }],
      'import-x/no-cycle': 'error',
    },
  },
  {
    // Library rooms log through pino (STYLE.md): console output belongs to the commands.
    files: ['schemas/**', 'platform/**', 'storage/**', 'ingest/**', 'access/**', 'processors/**', 'alerts/**', 'dashboards/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // Contracts only: no file, network or process access in schemas/ (STYLE.md room table).
    files: ['schemas/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'child_process', 'net', 'http'],
              message: 'schemas/ holds contracts only: reading files and other I/O belongs to the composition root (cli/).',
            },
          ],
        },
      ],
    },
  },
  {
    // vitest's asymmetric matchers (expect.any, expect.objectContaining) are typed `any`.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off', '@typescript-eslint/no-unsafe-return': 'off' },
  },
  {
    // The web application (TypeScript, bundled for the browser by dashboards/web-bundle.ts).
    files: ['dashboards/web/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The browser page: plain JavaScript with the browser's globals (Chart.js is loaded by a script tag).
    files: ['dashboards/web/**/*.js'],
    languageOptions: { globals: { ...globals.browser, Chart: 'readonly' } },
  },
);
