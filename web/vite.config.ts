// Vite configuration of the playground. The page imports "wasmlp" exactly as users get it: the
// built package in ../dist (run `npm run build` first; `npm run web` and `npm run web:build` do).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const ISOLATION = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default defineConfig({
  root: here("./"),
  base: "./", // relative URLs: web/dist works from any folder or static host
  resolve: {
    alias: [
      { find: /^wasmlp$/, replacement: here("../dist/index.js") },
      { find: /^wasmlp\/worker$/, replacement: here("../dist/worker/worker.js") },
    ],
  },
  // Cross-origin isolation (SharedArrayBuffer), so the network trains on every core: any host
  // serving web/dist needs these two headers too, or training falls back to one thread.
  server: { fs: { allow: [here("../")] }, headers: ISOLATION }, // ../dist and ../data live outside web/
  preview: { headers: ISOLATION },
  build: { outDir: here("./dist"), emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 1024 },
});
