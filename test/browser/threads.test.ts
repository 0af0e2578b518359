// Threads in Chromium (issue 15): on a cross-origin-isolated page a network trains on a team of
// Web Workers over shared memory, with the page's own thread spinning at the barriers (a page may
// not block), and every count gives the same bits; on a page without the two headers, threads
// falls back to 1 and says why.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launch, serve } from "./harness.js";

let browser: Browser;
let isolated: Awaited<ReturnType<typeof serve>>;
let plain: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  isolated = await serve(undefined, { isolated: true });
  plain = await serve();
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await isolated?.close();
  await plain?.close();
});

async function open(url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${url}/test/browser/blank.html`);
  return page;
}

describe("threads in Chromium", () => {
  it("a cross-origin-isolated page trains on 1–4 threads with identical bits (fit, fitAsync, predict; every activation and optimizer)", async () => {
    const page = await open(isolated.url);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // (a string, so that vitest does not rewrite the page's import())
    const result = await page.evaluate<{ isolated: boolean; runs: { threads: number; reason: string | undefined; params: string; predict: number[] }[] }>(`(async () => {
      const { Network, SGD, Adam } = await import("/dist/index.js");
      const x = Array.from({ length: 96 }, (_, r) => Array.from({ length: 37 }, (_, i) => Math.sin(r * 1.7 + i * 0.3)));
      const y = Array.from({ length: 96 }, (_, r) => Array.from({ length: 5 }, (_, k) => (k === r % 5 ? 1 : 0)));
      const runs = [];
      for (const threads of [1, 2, 3, 4]) {
        const net = await Network.create({ inputSize: 37, seed: 3, threads, loss: "crossEntropy", layers: [{ size: 129, activation: "relu" }, { size: 67, activation: "tanh" }, { size: 5, activation: "softmax" }] });
        net.fit(x, y, { epochs: 3, batchSize: 24, optimizer: new Adam(net, { lr: 0.01 }), clipNorm: 1 });
        await net.fitAsync(x, y, { epochs: 2, batchSize: 16, optimizer: new SGD(net, { lr: 0.05, momentum: 0.9 }) });
        // …and the other activations, loss and optimizer settings, on odd sizes (large enough to be split; batches
        // smaller than the team are covered in Node, test/threads.test.ts, where every layer can be made to split)
        const other = await Network.create({ inputSize: 37, seed: 4, threads, loss: "binaryCrossEntropy", layers: [{ size: 131, activation: "sigmoid" }, { size: 67, activation: "leakyRelu" }, { size: 29, activation: "identity" }, { size: 5, activation: "sigmoid" }] });
        other.fit(x, y, { epochs: 2, batchSize: 48, optimizer: new SGD(other, { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 1e-3 }) });
        other.fit(x, y, { epochs: 2, batchSize: 1, optimizer: new SGD(other, { lr: 0.02 }) });
        runs.push({ threads: net.threads, reason: net.threadsReason, params: JSON.stringify([net.toJSON().layers, other.toJSON().layers]), predict: Array.from(net.predict(x).data) });
        net.dispose();
        other.dispose();
      }
      return { isolated: crossOriginIsolated, runs };
    })()`);
    expect(errors).toEqual([]);
    expect(result.isolated).toBe(true);
    expect(result.runs.map((r) => r.threads)).toEqual([1, 2, 3, 4]);
    for (const run of result.runs.slice(1)) {
      expect(run.params).toBe(result.runs[0]!.params);
      expect(run.predict).toEqual(result.runs[0]!.predict);
    }
    await page.close();
  });

  it("trainInWorker with threads: the page's worker starts a team of its own (nested workers) and gives the page's bits", async () => {
    const page = await open(isolated.url);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const result = await page.evaluate<{ threads: number; reason: string | undefined; same: boolean; losses: boolean }>(`(async () => {
      const { Network, trainInWorker } = await import("/dist/index.js");
      const x = Array.from({ length: 128 }, (_, r) => Array.from({ length: 48 }, (_, i) => Math.sin(r * 0.9 + i * 0.37)));
      const y = x.map((row) => [row[0] + row[3] > 0 ? 1 : 0]);
      const make = () => Network.create({ inputSize: 48, seed: 2, loss: "binaryCrossEntropy", layers: [{ size: 256, activation: "tanh" }, { size: 1, activation: "sigmoid" }] });
      const options = { epochs: 3, batchSize: 64, optimizer: { type: "sgd", lr: 0.05, momentum: 0.9 } };
      const here = await make();
      const history = here.fit(x, y, options);
      const done = await trainInWorker(await make(), Float64Array.from(x.flat()), Float64Array.from(y.flat()), { ...options, threads: 2 }).done;
      return { threads: done.threads, reason: done.threadsReason,
               same: JSON.stringify(done.network.toJSON().layers) === JSON.stringify(here.toJSON().layers),
               losses: JSON.stringify(done.epochs.map((e) => e.loss)) === JSON.stringify(history.epochs.map((e) => e.loss)) };
    })()`);
    expect(errors).toEqual([]);
    expect(result.reason).toBeUndefined();
    expect(result.threads).toBe(2);
    expect(result.same).toBe(true);
    expect(result.losses).toBe(true);
    await page.close();
  });

  it("without the headers, threads falls back to 1 and says which headers the page needs", async () => {
    const page = await open(plain.url);
    const warnings: string[] = [];
    page.on("console", (m) => { if (m.type() === "warning") warnings.push(m.text()); });
    const result = await page.evaluate<{ isolated: boolean; threads: number; reason: string; epochs: number }>(`(async () => {
      const { Network } = await import("/dist/index.js");
      const net = await Network.create({ inputSize: 2, seed: 1, threads: 2, loss: "squaredError", layers: [{ size: 3, activation: "tanh" }, { size: 1, activation: "identity" }] });
      const history = net.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]], { epochs: 5, batchSize: 2 });
      return { isolated: crossOriginIsolated, threads: net.threads, reason: net.threadsReason, epochs: history.epochs.length };
    })()`);
    expect(result.isolated).toBe(false);
    expect(result.threads).toBe(1);
    expect(result.reason).toMatch(/Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/);
    expect(result.epochs).toBe(5);
    expect(warnings.join("\n")).toMatch(/threads: 2 asked for, training on 1/);
    await page.close();
  });
});
