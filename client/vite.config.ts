import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompress } from './build/precompress.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const backend = 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  // Preact through the built-in Oxc JSX transform: no extra plugin.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // .br and .gz beside each built text file: the server picks one by Accept-Encoding (server/http/static.ts).
  plugins: [precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
  },
  server: {
    host: '127.0.0.1',
    // The client imports the shared protocol from ../signaling/protocol.
    fs: { allow: [repoRoot] },
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/healthz': { target: backend, changeOrigin: false },
      '/socket.io': { target: backend, ws: true, changeOrigin: false },
    },
  },
  preview: { host: '127.0.0.1' },
});
