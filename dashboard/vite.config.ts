// Vite build of the dashboard SPA; the gateway serves `dashboard/dist` at `/dashboard`.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const dashboardDir = decodeURIComponent(new URL('.', import.meta.url).pathname);

// Vite requires a default export for its config file (style.md rule 3 exception).
export default defineConfig({
  base: '/dashboard/',
  root: dashboardDir,
  plugins: [react()],
  build: {
    outDir: `${dashboardDir}dist`,
    emptyOutDir: true,
  },
  server: {
    // `npx vite --config dashboard/vite.config.ts` against a local gateway on :8080.
    proxy: { '/v1': 'http://127.0.0.1:8080' },
  },
});
