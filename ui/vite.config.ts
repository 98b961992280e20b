import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The Tauri window's Content-Security-Policy (tauri.conf.json), applied by `vite preview` as the
// UI tests' server applies it (tests/lib/harness.mjs).
const csp: Record<string, string> = JSON.parse(readFileSync(new URL('../tauri.conf.json', import.meta.url), 'utf8')).app.security.csp;
const CSP = Object.entries(csp)
  .map(([directive, sources]) => `${directive} ${sources}`)
  .join('; ');

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
