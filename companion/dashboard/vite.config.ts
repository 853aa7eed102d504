import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

// Built by `npm run build:dashboard` (`vite build companion/dashboard`, so this folder is the root) into
// companion/dashboard-dist, which the companion serves at `/`. Everything is bundled: no CDN, works offline.
export default defineConfig({
  base: '/',
  plugins: [preact()],
  build: {
    outDir: '../dashboard-dist',
    emptyOutDir: true,
    // The polyfill would be an inline script, which the dashboard's CSP (script-src 'self') refuses.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1_000,
  },
});
