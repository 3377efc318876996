/**
 * Builds the partner console into console/dist, which `npm start` serves beside the API and the
 * stack uploads to S3. `npm run console:dev` serves it with hot reload, passing API calls to a
 * running `npm start` (API_URL, default http://localhost:3000).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const apiUrl = process.env.API_URL ?? 'http://localhost:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // React's automatic runtime through Vite's own transform: the production build needs no plugin.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: process.env.CONSOLE_OUT_DIR ?? 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The budget is checked by the browser tests on the gzipped first load; this only flags a chunk gone wild.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      // Fluent UI marks its modules "use client" for React Server Components; a browser bundle has none.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    proxy: Object.fromEntries(['/v1', '/openapi.json', '/config.json', '/local'].map((p) => [p, apiUrl])),
  },
});
