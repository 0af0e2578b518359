// Vite configuration of the playground. The page imports "wasmlp" exactly as users get it: the
// built package in ../dist (run `npm run build` first; `npm run web` and `npm run web:build` do).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here("./"),
  base: "./", // relative URLs: web/dist works from any folder or static host
  resolve: {
    alias: [
      { find: /^wasmlp$/, replacement: here("../dist/index.js") },
      { find: /^wasmlp\/worker$/, replacement: here("../dist/worker/worker.js") },
    ],
  },
  server: { fs: { allow: [here("../")] } }, // ../dist and ../data live outside web/
  build: { outDir: here("./dist"), emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 1024 },
});
