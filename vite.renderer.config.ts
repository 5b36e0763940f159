// Builds only the renderer (same root, entry and plugins as electron.vite.config.ts's renderer
// section) into out/renderer, so the e2e suite can serve it to Debian Chromium without Electron.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: resolve(here, 'src/renderer'),
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: resolve(here, 'out/renderer'),
    emptyOutDir: true,
    rollupOptions: { input: { index: resolve(here, 'src/renderer/index.html') } },
  },
});
