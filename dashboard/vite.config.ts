// The dashboard's build and dev server. Root is dashboard/; the build goes to
// dashboard/dist (static files for Cloudflare Pages). In development the Vite
// server proxies the API, its WebSockets, /health and /metrics to the local
// Worker, so the page and the API share an origin and no CORS is involved.
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig, type ProxyOptions } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const worker = process.env.AGENT_BOT_WORKER_URL ?? "http://127.0.0.1:8787";
const port = Number(process.env.DASHBOARD_PORT ?? 5173);

const proxy: Record<string, ProxyOptions> = {
  "/api": { target: worker, changeOrigin: true, ws: true },
  "/health": { target: worker, changeOrigin: true },
  "/metrics": { target: worker, changeOrigin: true },
};

export default defineConfig({
  root,
  plugins: [react()],
  server: { host: "127.0.0.1", port, strictPort: process.env.DASHBOARD_PORT !== undefined, proxy },
  preview: { host: "127.0.0.1", port, strictPort: process.env.DASHBOARD_PORT !== undefined, proxy },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // The budget is on gzip size; Vite prints it per chunk.
    reportCompressedSize: true,
  },
});
