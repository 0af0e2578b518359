// What the browser tests share: a static file server on 127.0.0.1 for the repository, and the
// packaged Chromium (test/browser/chromium.ts) driven by playwright-core.
import { createReadStream, existsSync, mkdirSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, inject } from "vitest";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const OUTPUT = join(ROOT, "test-output");

const TYPES: Record<string, string> = {
  ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
  ".json": "application/json", ".wasm": "application/wasm", ".csv": "text/csv", ".svg": "image/svg+xml",
};

/**
 * Serves `root` on a free loopback port; `isolated`: with the two headers that make a page
 * cross-origin-isolated (SharedArrayBuffer, so threads).
 */
export async function serve(root = ROOT, { isolated = false } = {}): Promise<{ url: string; close(): Promise<void> }> {
  const headers: Record<string, string> = isolated ? { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" } : {};
  const server: Server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    let file = join(root, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!file.startsWith(root) || !existsSync(file)) {
      response.writeHead(404, headers).end("not found");
      return;
    }
    response.writeHead(200, { ...headers, "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("server has no address");
  return { url: `http://127.0.0.1:${address.port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function launch(): Promise<Browser> {
  mkdirSync(OUTPUT, { recursive: true });
  const { executablePath, env } = inject("chromium");
  return chromium.launch({
    executablePath,
    // One locale whatever the machine's: under LANG=C this Chromium reports "en-US@posix", a tag
    // that Intl (and so uPlot's number formatting) rejects.
    env: { ...process.env, ...env, LANG: "en_US.UTF-8" },
    // No sandbox (tests may run as root); no network chatter (the machines have no internet);
    // SwiftShader for canvas/WebGL so no GPU is needed.
    args: ["--lang=en-US", "--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A Chromium and a plain (not isolated) test server for one suite, started before its tests and closed after. */
export function useBrowser(): { browser(): Browser; url(): string } {
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  beforeAll(async () => {
    server = await serve();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return { browser: () => browser!, url: () => server!.url };
}
