// Vite build of the browser editor: editor/ is the root, the output goes to editor/dist, which
// the server serves at `/` (src/server/editor-static.ts). Schemas are bundled from ../schemas.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: 'public',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // monaco is large by nature; it is served from the same machine.
    chunkSizeWarningLimit: 6000,
    sourcemap: false,
  },
  worker: { format: 'es' },
  server: {
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
    // `vite editor` during development talks to a `zhidu serve` on 8080.
    proxy: { '/v1': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
});
