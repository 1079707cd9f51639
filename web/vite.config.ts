import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The workbench is served by the gateway at / (gateway/src/http/workbench.ts); `npm run dev -w web`
// serves it with hot reload and sends the API to a gateway on :8080.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // The gateway's Content-Security-Policy allows no inline script: every script is a file.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/openapi.json': 'http://127.0.0.1:8080',
    },
  },
});
