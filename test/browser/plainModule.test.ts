// The built package in a real Chromium through a plain <script type="module">, no bundler:
// training on the page and in a Web Worker (trainInWorker) while the page keeps running.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OUTPUT, useBrowser } from "./harness.js";

const chromium = useBrowser();

describe("plain module script in Chromium", () => {
  it("loads dist/index.js, trains XOR on the page and in a worker, and the page keeps ticking", async () => {
    const page = await chromium.browser().newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${chromium.url()}/examples/browser/index.html`);
    await page.waitForSelector("body[data-result]", { timeout: 60_000 });
    const result = JSON.parse((await page.getAttribute("body", "data-result"))!);
    await page.screenshot({ path: join(OUTPUT, "plain-module.png"), fullPage: true });
    expect(errors).toEqual([]);
    expect(result.wasm).toBe(true);
    expect(result.backend).toBe("wasm");
    expect(result.onPage).toEqual([0, 1, 1, 0]);
    expect(result.inWorker).toEqual([0, 1, 1, 0]);
    expect(result.workerBackend).toBe("wasm");
    expect(result.epochsStreamed).toBe(3000);
    expect(result.ticksDuringWorker).toBeGreaterThan(2); // the page's timer ran while the worker trained
    await page.close();
  });
});
