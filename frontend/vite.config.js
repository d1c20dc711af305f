import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The Java server serves dist/ from the classpath (static/) under a strict CSP
// (script-src 'self'; style-src 'self'), so the build must emit only external
// script and style files: no inline module preload polyfill, no inline styles.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    // `npm run dev` proxies the API and Socket.IO to a server started with `./qring run`.
    proxy: {
      '/api': 'http://localhost:8080',
      '/socket.io': { target: 'http://localhost:8080', ws: true },
    },
  },
});
