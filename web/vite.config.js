// Vite builds the console into web/dist; scripts/embed-web.sh turns dist into web/assets.c.
// JSX is compiled by Vite's own transformer with Preact's automatic runtime (no Babel plugin).
import { defineConfig } from 'vite';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
