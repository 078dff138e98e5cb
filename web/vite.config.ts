// Builds the web app (index.html) and the offline IDE (ide.html) into web/dist, which the
// gateway serves (src/http/web-assets.ts). Everything the pages need is bundled: no CDN.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: { index: path.join(root, 'index.html'), ide: path.join(root, 'ide.html') },
    },
  },
});
