// The package as users install it: `npm pack`, then the tarball installed into an empty project
// (dependencies from npm's cache, which `npm ci` filled), used from Node ESM, type-checked by a
// strict TypeScript consumer, run as `npx wasmlp`, and bundled by Vite into an app that trains in
// the test Chromium, on the page and in a worker. `npm test` has built dist/ and build/ already.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, serve } from "./browser/harness.js";
import { ROOT } from "./helpers.js";

const exec = promisify(execFile);
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const NPX = process.platform === "win32" ? "npx.cmd" : "npx";
const lockedVersion = (name: string): string =>
  (JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> })
    .packages[`node_modules/${name}`]!.version;

let work: string;      // temporary folder: the tarball, and the consumer project
let consumer: string;  // the empty project the tarball is installed into
let installed: string; // consumer/node_modules/wasmlp
let packed: string[];  // the tarball's file list

const run = async (command: string, args: string[], cwd = consumer) => {
  const { stdout, stderr } = await exec(command, args, { cwd, encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: "1" } });
  return { stdout, stderr };
};
const write = (path: string, text: string) => {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "wasmlp-package-"));
  const { stdout } = await run(NPM, ["pack", "--json", "--ignore-scripts", "--pack-destination", work], ROOT);
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  packed = info!.files.map((f) => f.path);
  consumer = join(work, "consumer");
  write(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  // As a user installs it; --prefer-offline takes the dependencies from the cache `npm ci` filled.
  await run(NPM, ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts",
    join(work, info!.filename), `@types/node@${lockedVersion("@types/node")}`]);
  installed = join(consumer, "node_modules", "wasmlp");
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("holds a LICENSE, repository and homepage, the six wasm builds, and no test or source folders", () => {
    for (const file of ["LICENSE", "README.md", "package.json", "dist/index.js", "dist/index.d.ts", "dist/cli.js",
      "build/wasmlp.wasm", "build/wasmlp-fma.wasm", "build/wasmlp-embed.wasm", "build/wasmlp-portable.wasm",
      "build/wasmlp-threads.wasm", "build/wasmlp-threads-fma.wasm", "data/seed-3-4-2.json"]) {
      expect(packed, file).toContain(file);
    }
    expect(packed.filter((f) => /^(test|assembly|bench|web|scripts|src)\//.test(f))).toEqual([]);
    const meta = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    expect(meta.license).toBe("MIT");
    expect(readFileSync(join(installed, "LICENSE"), "utf8")).toMatch(/^MIT License/);
    expect(meta.repository.url).toMatch(/^git\+https:\/\//);
    expect(meta.homepage).toMatch(/^https:\/\//);
  });

  it("has no dangling source map: every map carries the text of every source it names", () => {
    const maps = packed.filter((f) => f.endsWith(".map"));
    expect(maps.length).toBeGreaterThan(0);
    for (const file of maps) {
      const map = JSON.parse(readFileSync(join(installed, file), "utf8")) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(map.sourcesContent?.length, file).toBe(map.sources.length);
      expect(map.sourcesContent!.every((text) => typeof text === "string" && text.length > 0), file).toBe(true);
    }
  });

  it("exports ./package.json and the wasm builds, and the embed build instantiates with no imports", async () => {
    const script = `
      const bytes = (await import("node:fs")).readFileSync(new URL(import.meta.resolve("wasmlp/build/wasmlp-embed.wasm")));
      const { instance } = await WebAssembly.instantiate(bytes, {});
      const pkg = (await import("node:module")).createRequire(import.meta.url)("wasmlp/package.json");
      console.log(JSON.stringify({ version: pkg.version, exports: Object.keys(instance.exports).length,
        portable: import.meta.resolve("wasmlp/build/wasmlp-portable.wasm").endsWith("/build/wasmlp-portable.wasm") }));`;
    write(join(consumer, "exports.mjs"), script);
    const out = JSON.parse((await run(process.execPath, ["exports.mjs"])).stdout);
    expect(out.version).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
    expect(out.exports).toBeGreaterThan(10);
    expect(out.portable).toBe(true);
  });
});

describe("the installed package", () => {
  it("trains from Node ESM, and saves and loads the model bit for bit", async () => {
    write(join(consumer, "train.mjs"), `
      import { Network } from "wasmlp";
      import { save, load } from "wasmlp/node";
      const inputs = [[0, 0], [0, 1], [1, 0], [1, 1]], targets = [[0], [1], [1], [0]];
      const net = await Network.create({ inputSize: 2, seed: 3, loss: "binaryCrossEntropy",
        layers: [{ size: 8, activation: "tanh" }, { size: 1, activation: "sigmoid" }] });
      const history = net.fit(inputs, targets, { epochs: 500, batchSize: 4, optimizer: { type: "adam", lr: 0.05 } });
      await save(net, "xor.wasmlp");
      const back = await load("xor.wasmlp");
      console.log(JSON.stringify({ backend: net.backendName, loss: history.epochs.at(-1).loss,
        predicted: net.predict(inputs).toArray().map(([p]) => Math.round(p)),
        same: [...back.predict(inputs).toArray().flat()].every((p, i) => Object.is(p, net.predict(inputs).toArray().flat()[i])) }));`);
    const out = JSON.parse((await run(process.execPath, ["train.mjs"])).stdout);
    expect(out).toMatchObject({ backend: "wasm", predicted: [0, 1, 1, 0], same: true });
    expect(out.loss).toBeLessThan(0.05);
  });

  it("runs a brain.js script through wasmlp/brain, and its types refuse what brain.js's would", async () => {
    write(join(consumer, "brain.mjs"), `
      import brain from "wasmlp/brain";
      const net = new brain.NeuralNetwork({ hiddenLayers: [3], seed: 2 });
      const status = net.train([{ input: [0, 0], output: [0] }, { input: [0, 1], output: [1] }, { input: [1, 0], output: [1] }, { input: [1, 1], output: [0] }]);
      const back = new brain.NeuralNetwork().fromJSON(JSON.parse(JSON.stringify(net.toJSON())));
      console.log(JSON.stringify({ backend: net.backend, status, out: Array.from(back.run([0, 1])).map(Math.round) }));`);
    const out = JSON.parse((await run(process.execPath, ["brain.mjs"])).stdout);
    expect(out.backend).toBe("wasm");
    expect(out.status.error).toBeLessThanOrEqual(0.005);
    expect(out.out).toEqual([1]);
    write(join(consumer, "tsconfig.brain.json"), JSON.stringify({
      compilerOptions: { strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", noEmit: true, skipLibCheck: false, types: ["node"] },
      files: ["brainConsumer.ts"],
    }));
    write(join(consumer, "brainConsumer.ts"), `
      import brain, { NeuralNetwork, type TrainStatus, type BrainJSON } from "wasmlp/brain";
      const net = new NeuralNetwork({ hiddenLayers: [3], activation: "tanh" });
      const status: TrainStatus = net.train([{ input: { a: 1 }, output: { yes: 1 } }], { iterations: 10 });
      const json: BrainJSON = net.toJSON();
      const likely: string | null = brain.likely({ a: 1 }, net);
      // brain.js's generics, as TypeScript users of brain.js write them
      const typed = new brain.NeuralNetwork<number[], number[]>({ inputSize: 2, outputSize: 1 });
      const out: Float64Array = typed.run([1, 2]);
      const named = new NeuralNetwork<{ r: number; g: number }, { dark: number }>();
      const answer: { dark: number } = named.run({ r: 1 });
      void out; void answer;
      // @ts-expect-error an activation brain.js does not have
      new NeuralNetwork({ activation: "softmax" });
      // @ts-expect-error a misspelt option
      net.train([{ input: [1], output: [1] }], { learningrate: 0.1 });
      void status; void json; void likely;`);
    await expect(run(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.brain.json"])).resolves.toBeDefined();
  }, 60_000);

  it("type-checks a strict TypeScript consumer (module nodenext) against the shipped types", async () => {
    write(join(consumer, "tsconfig.json"), JSON.stringify({
      compilerOptions: { strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", noEmit: true, skipLibCheck: false, types: ["node"] },
      files: ["consumer.ts"],
    }));
    write(join(consumer, "consumer.ts"), `
      import { Network, SGD, Matrix, type EpochLog, type ModelJSON, WasmlpError } from "wasmlp";
      import { save } from "wasmlp/node";
      const net: Network = await Network.create({ inputSize: 3, layers: [{ size: 2, activation: "sigmoid" }], loss: "squaredError", seed: 1 });
      const sgd = new SGD(net, { lr: 0.1 });
      net.forward([[1, 2, 3]]);
      const loss: number = net.backward([[0, 1]]);
      const errors: Matrix = net.nodeErrors(1);
      sgd.step();
      const logs: EpochLog[] = net.fit([[1, 2, 3]], [[0, 1]], { epochs: 1 }).epochs;
      const json: ModelJSON = net.toJSON();
      await save(net, "typed.json");
      // The types are real, not any: these must be refused.
      // @ts-expect-error an activation that does not exist
      await Network.create({ inputSize: 3, layers: [{ size: 2, activation: "sigmoidd" }], loss: "squaredError" });
      // @ts-expect-error backward returns a number
      const wrong: string = net.backward([[0, 1]]);
      // @ts-expect-error a misspelled optimizer setting (the types refuse unknown keys as the library does)
      net.fit([[1, 2, 3]], [[0, 1]], { optimizer: { type: "adam", learningRate: 0.1 } });
      // @ts-expect-error a misspelled fit option
      net.fit([[1, 2, 3]], [[0, 1]], { batch_size: 4 });
      net.fit([[1, 2, 3]], [[0, 1]], { epochs: 1, optimizer: "adam" });
      console.log(loss, errors.rows, logs.length, json.layers.length, wrong, WasmlpError.name);
    `);
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    await expect(run(process.execPath, [tsc, "-p", "tsconfig.json"])).resolves.toBeDefined();
  }, 60_000);

  it("runs as npx wasmlp: --help, explain with the shipped example, and train on the shipped iris data", async () => {
    const help = (await run(NPX, ["--no", "--", "wasmlp", "--help"])).stdout;
    for (const command of ["train", "predict", "evaluate", "inspect", "explain"]) expect(help).toContain(command);
    const explained = (await run(NPX, ["--no", "--", "wasmlp", "explain"])).stdout;
    expect(explained).toContain("the seed article's example");
    expect(explained).toContain("e¹ = W²ᵀ δ² = W²ᵀ (e² ⊙ f'(z²)) =");
    const trained = await run(NPX, ["--no", "--", "wasmlp", "train", join(installed, "data/iris.csv"), "--epochs", "20", "--out", "iris.wasmlp"]);
    expect(trained.stdout).toMatch(/test accuracy/i);
    expect(readdirSync(consumer)).toContain("iris.wasmlp");
    expect((await run(NPX, ["--no", "--", "wasmlp", "inspect", "iris.wasmlp"])).stdout).toContain("setosa");
  }, 60_000);

  it("builds into a Vite app (wasmlp and wasmlp/worker) that trains in Chromium, on the page and in workers, and answers table records", async () => {
    const app = join(consumer, "app");
    write(join(app, "index.html"), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>consumer</title></head>
      <body><script type="module" src="./main.js"></script></body></html>`);
    write(join(app, "main.js"), `
      import { Network, trainInWorker, prepareTable, predictRecords } from "wasmlp";
      import WasmlpWorker from "wasmlp/worker?worker";
      const inputs = [[0, 0], [0, 1], [1, 0], [1, 1]], targets = [[0], [1], [1], [0]];
      const create = () => Network.create({ inputSize: 2, seed: 3, loss: "binaryCrossEntropy",
        layers: [{ size: 8, activation: "tanh" }, { size: 1, activation: "sigmoid" }] });
      const options = { epochs: 1000, batchSize: 4, optimizer: { type: "adam", lr: 0.05 } };
      const round = (net) => net.predict(inputs).toArray().map(([p]) => Math.round(p));
      const data = () => [Float64Array.from(inputs.flat()), Float64Array.from(targets.flat())];
      const net = await create();
      net.fit(inputs, targets, options);
      const bundled = await trainInWorker(await create(), ...data(), options).done;                        // the package's own worker
      const given = await trainInWorker(await create(), ...data(), { ...options, worker: new WasmlpWorker() }).done; // Vite's ?worker
      // a table with a text category and blank cells, prepared and answered from raw records in the browser
      const records = Array.from({ length: 120 }, (_, i) => ({ colour: ["red", "green", "blue"][i % 3], size: i % 7 === 0 ? "" : String(i % 3 + (i % 5) / 10), kind: i % 3 === 2 ? "b" : "a" }));
      const table = prepareTable(records, { target: "kind" });
      const tabular = await Network.create({ inputSize: table.inputSize, layers: [{ size: 8, activation: "tanh" }, table.outputLayer], loss: table.loss, seed: 1 });
      tabular.fit(table.x, table.y, { epochs: 60, batchSize: 8, optimizer: { type: "adam", lr: 0.05 } });
      tabular.metadata = { preparation: table.preparation };
      const table_ = predictRecords(await Network.fromJSON(tabular.toJSON()), [{ colour: "blue", size: "" }, { colour: "red", size: "0.2" }]).predictions;
      document.body.dataset.result = JSON.stringify({ backend: net.backendName, onPage: round(net),
        bundled: round(bundled.network), given: round(given.network), workerBackend: given.backend, table: table_ });`);
    const vite = join(ROOT, "node_modules/vite/bin/vite.js");
    const built = await run(process.execPath, [vite, "build", "--logLevel", "warn"], app);
    // Vite warns of missing sources, unresolvable imports and the like: a clean build warns of nothing.
    expect((built.stdout + built.stderr).trim()).toBe("");
    // The ONNX/safetensors code is not in the app's main chunk: it loads only when used.
    const assets = readdirSync(join(app, "dist/assets")).filter((f) => f.endsWith(".js"));
    const entry = assets.find((f) => readFileSync(join(app, "dist/assets", f), "utf8").includes("prepareTable"));
    expect(entry, "the entry chunk").toBeDefined();
    expect(readFileSync(join(app, "dist/assets", entry!), "utf8")).not.toContain("the file has no graph");
    expect(assets.some((f) => readFileSync(join(app, "dist/assets", f), "utf8").includes("the file has no graph"))).toBe(true);
    const server = await serve(join(app, "dist"));
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${server.url}/`);
      await page.waitForSelector("body[data-result]", { state: "attached", timeout: 60_000 });
      expect(errors).toEqual([]);
      expect(JSON.parse((await page.getAttribute("body", "data-result"))!)).toEqual({
        backend: "wasm", onPage: [0, 1, 1, 0], bundled: [0, 1, 1, 0], given: [0, 1, 1, 0], workerBackend: "wasm", table: ["b", "a"],
      });
    } finally {
      await browser.close();
      await server.close();
    }
  }, 120_000);
});
