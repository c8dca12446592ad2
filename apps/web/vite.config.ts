import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// In development (`npm run dev -w @tresen/web`) the API is the server on :8080.
const api = process.env.TRESEN_API_URL ?? 'http://localhost:8080'

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/api': { target: api, ws: true, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
    manifest: true,
    // The initial route must stay small: pages load on demand (see src/App.tsx).
    chunkSizeWarningLimit: 600,
  },
})
