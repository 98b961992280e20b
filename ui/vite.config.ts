import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The same Content-Security-Policy as the Tauri window, applied by `vite preview` so the UI
// tests prove the build needs no inline script, eval or external resource.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'";

export default defineConfig({
  base: './',
  plugins: [react()],
  clearScreen: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Tauri serves the files itself; no inline module-preload polyfill is needed.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1000,
  },
  server: { host: '127.0.0.1', port: 1420, strictPort: true },
  preview: { headers: { 'Content-Security-Policy': CSP } },
});
