// wasmlp/brain in Chromium: brain.js's constructor cannot wait, so the module is compiled
// synchronously on the page's main thread. The page trains with backend 'wasm' (not a silent
// fallback to ts) and gets the same bits as Node; trainAsync leaves the page's timers running.
import { describe, expect, it } from "vitest";
import { useBrowser } from "./harness.js";
import { NeuralNetwork } from "../../src/brain/index.js";

const chromium = useBrowser();

const COLOURS = [
  { input: { r: 0.03, g: 0.7, b: 0.5 }, output: { black: 1 } },
  { input: { r: 0.16, g: 0.09, b: 0.2 }, output: { white: 1 } },
  { input: { r: 0.5, g: 0.5, b: 1.0 }, output: { white: 1 } },
  { input: { r: 0.9, g: 0.8, b: 0.1 }, output: { black: 1 } },
];

describe("wasmlp/brain in Chromium", () => {
  it("trains on the main thread with wasm, with Node's bits, and trainAsync lets the page tick", async () => {
    const page = await chromium.browser().newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${chromium.url()}/test/browser/blank.html`);
    // (a string, so that vitest does not rewrite the page's import())
    const result = await page.evaluate<{ backend: string; json: string; asyncJson: string; ticks: number; likely: string }>(`(async () => {
      const { default: brain } = await import("/dist/brain/index.js");
      const data = ${JSON.stringify(COLOURS)};
      const net = new brain.NeuralNetwork({ hiddenLayers: [4], seed: 7 });
      net.train(data, { iterations: 500 });
      const other = new brain.NeuralNetwork({ hiddenLayers: [4], seed: 7 });
      let ticks = 0;
      const timer = setInterval(() => ticks++, 0);
      await other.trainAsync(data, { iterations: 300000, errorThresh: 1e-12 });
      clearInterval(timer);
      return { backend: net.backend, json: JSON.stringify(net.toJSON()), asyncJson: JSON.stringify(other.toJSON()), ticks,
               likely: brain.likely({ r: 0.1, g: 0.1, b: 0.1 }, net) };
    })()`);
    expect(errors).toEqual([]);
    expect(result.backend).toBe("wasm");
    const node = new NeuralNetwork({ hiddenLayers: [4], seed: 7, backend: "wasm" });
    node.train(COLOURS, { iterations: 500 });
    expect(result.json).toBe(JSON.stringify(node.toJSON()));
    const nodeAsync = new NeuralNetwork({ hiddenLayers: [4], seed: 7, backend: "wasm" });
    nodeAsync.train(COLOURS, { iterations: 300000, errorThresh: 1e-12 });
    expect(result.asyncJson).toBe(JSON.stringify(nodeAsync.toJSON()));
    expect(result.ticks).toBeGreaterThan(2);
    expect(result.likely).toBe("white");
    await page.close();
  });
});
