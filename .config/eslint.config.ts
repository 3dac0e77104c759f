import path from 'node:path';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The repository root; this file lives in `.config/`. */
const root = path.resolve(import.meta.dirname, '..');

/** Imports a layer may not make; see "Processes and layers" in DESIGN.md. */
const electronOnlyInShell = {
  name: 'electron',
  message: 'Only main/electron/, main/index.ts and preload/ may import electron: main/core runs in plain Node.',
};

export default defineConfig(
  // Patterns below are relative to the repository root, not to `.config/`.
  { basePath: root },
  globalIgnores(['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**']),
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      // Two programs: Node code (tsconfig.json) and the DOM-only renderer with its tests.
      parserOptions: { project: ['./tsconfig.json', './renderer/tsconfig.json'], tsconfigRootDir: root },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use a union of string literals.' }],
    },
  },
  {
    files: ['main/**/*.ts', 'preload/**/*.ts', 'test/**/*.ts', '*.config.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['main/**/*.ts', 'test/unit/main/**', 'test/integration/**', 'test/bench/**', 'test/support/**'],
    ignores: ['main/electron/**', 'main/index.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronOnlyInShell], patterns: [{ group: ['electron/*'], message: electronOnlyInShell.message }] }],
    },
  },
  { files: ['renderer/**/*.{ts,tsx}'], ...reactHooks.configs.flat.recommended },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer is pure UI: talk to main through window.certdesk.' }],
          patterns: [
            { regex: '^node:', message: 'The renderer has no Node: talk to main through window.certdesk.' },
            { regex: '(^|/)main(/|$)', message: 'The renderer may not import main/**: use the types in preload/contract.ts.' },
            { regex: '^(fs|path|os|child_process|crypto|http|https|net|url|util|stream|events)$', message: 'The renderer has no Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    // GitHub Desktop's rule: raw IPC only in the typed wrappers (and the composition root that wires them).
    files: ['main/electron/**/*.ts', 'preload/**/*.ts'],
    ignores: ['main/electron/ipc.ts', 'preload/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['ipcMain', 'ipcRenderer'],
              message: 'Raw IPC lives in main/electron/ipc.ts and preload/index.ts only: use their typed wrappers.',
            },
          ],
        },
      ],
    },
  },
  {
    // shell.openExternal runs whatever the OS maps a URL to: only hardening.ts's guarded wrapper calls it.
    files: ['main/**/*.ts'],
    ignores: ['main/electron/hardening.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'shell', property: 'openExternal', message: 'Use openExternalSafely() from main/electron/hardening.ts.' }],
    },
  },
  {
    files: ['preload/contract.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '.', message: 'contract.ts imports nothing.' }] }] },
  },
);
