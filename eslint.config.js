// Process boundaries are enforced here, not by convention (as in Signal Desktop):
// - the renderer imports only src/renderer and src/shared (it talks to main through window.gobs);
// - src/shared imports nothing from Node, Electron or the DOM-only world;
// - the server never imports Electron or desktop code; desktop code never imports the server.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'http',
  'https',
  'net',
  'stream',
  'url',
  'util',
  'events',
  'worker_threads',
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'test-output/**', 'bench/**/*.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain Node scripts (the .ts files get their globals from the type checker).
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'The renderer talks to main only through window.gobs.' },
            { group: nodeBuiltins, message: 'The renderer has no Node access.' },
            {
              group: [
                '**/main/**',
                '**/preload/**',
                '**/server/**',
                'better-sqlite3',
                'axios',
                'pg',
                '@electric-sql/*',
                'fastify',
                '@fastify/*',
              ],
              message: 'The renderer may import only src/renderer and src/shared.',
            },
          ],
        },
      ],
      // A string looked up when the module loads stays in the language of that moment.
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name='t']:not(:function CallExpression)",
          message: 'Call t() when rendering, not when the module loads: the language can change after.',
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*', ...nodeBuiltins],
              message: 'src/shared runs in every process: no Node or Electron.',
            },
            {
              group: ['**/main/**', '**/preload/**', '**/renderer/**', '**/server/**', 'react', 'react-dom', 'react/*'],
              message: 'src/shared depends on nothing but zod.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        'window',
        'document',
        'navigator',
        'localStorage',
        'process',
        'Buffer',
        'require',
      ],
    },
  },
  {
    files: ['src/server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*', 'electron-store'], message: 'The server never imports Electron.' },
            {
              group: ['**/main/**', '**/preload/**', '**/renderer/**'],
              message: 'The server shares only src/shared with the desktop.',
            },
          ],
        },
      ],
    },
  },
  {
    // The server's domain does not speak HTTP: only app.ts, context.ts, logging.ts and routes/ see Fastify.
    files: ['src/server/{protocol,observations,db,admin,auth,cli}/**/*.ts', 'src/server/access.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*', 'electron-store'], message: 'The server never imports Electron.' },
            {
              group: ['**/main/**', '**/preload/**', '**/renderer/**'],
              message: 'The server shares only src/shared with the desktop.',
            },
            {
              group: ['fastify', '@fastify/*', '**/routes/**'],
              message: 'Domain code takes plain values (a base URL, a user, a device UUID), not HTTP requests.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/**/*.ts', 'src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '**/renderer/**'],
              message: 'Desktop main/preload share only src/shared with other processes.',
            },
          ],
        },
      ],
    },
  },
  {
    // Electron may only be imported by the thin wiring files; everything else stays plain Node.
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/index.ts', 'src/main/window.ts', 'src/main/ipc/register.ts', 'src/main/electron/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*'],
              message:
                'Only src/main/index.ts, window.ts, ipc/register.ts and src/main/electron/* touch Electron (keeps main testable under plain Node).',
            },
            {
              group: ['**/server/**', '**/renderer/**'],
              message: 'Desktop main shares only src/shared with other processes.',
            },
          ],
        },
      ],
    },
  },
  {
    // The store owns every table and its SQL (as Signal Desktop's ts/sql): nothing else in main
    // prepares or runs a statement. Modules that own another SQLite file format say so here:
    // src/main/geopackage writes and reads GeoPackages (OGC GeoPackage: their own SQLite files).
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/store/**/*.ts', 'src/main/geopackage/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(prepare|pragma)$/]',
          message: 'SQL lives in src/main/store: call a named function of the module that owns the table.',
        },
        {
          selector: "CallExpression[callee.property.name='exec'][arguments.0.type=/^(Literal|TemplateLiteral)$/]",
          message: 'SQL lives in src/main/store: call a named function of the module that owns the table.',
        },
        {
          selector: "CallExpression[callee.name='stmt']",
          message: 'SQL lives in src/main/store: call a named function of the module that owns the table.',
        },
      ],
    },
  },
  {
    // The store is the bottom of main: it knows tables, not the engine, the server or the session.
    files: ['src/main/store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./(?!errors$|\\.\\./shared/)|electron|.*/(server|renderer)/)',
              message: 'src/main/store imports only itself, ../errors and src/shared.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.{ts,tsx}', 'scripts/**/*.{ts,mjs,js}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron', 'electron/*'], message: 'Tests run under plain Node: no Electron.' }] },
      ],
    },
  },
);
