// wasmlp/brain against brain.js 2.0.0-beta.24 itself: the same scripts, written from brain.js's
// documented API, run with each import from the same brain.js JSON. brain.js keeps float32 weights
// and wasmlp float64, so they agree closely, not bit for bit.
import brainjs from "brain.js";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import brain, { BrainDivergenceError, NeuralNetwork, UnsupportedError } from "../src/brain/index.js";
import { Arena, arenaFor } from "../src/brain/arena.js";
import { TsBackend } from "../src/backend/ts/index.js";
import { planMemory, writeDescriptor } from "../src/memoryPlan.js";
import { BackendError, ConfigError, DataError, ModelFormatError, NonFiniteError, ShapeError, StateError, WasmlpError } from "../src/errors.js";

type Datum = { input: any; output: any };
type Lib = typeof brain | typeof brainjs;
type AnyNet = InstanceType<typeof brain.NeuralNetwork> | InstanceType<typeof brainjs.NeuralNetwork>;

/** A seeded Math.random for the duration of `f`, so brain.js draws the same initial weights every run. */
function seeded<T>(seed: number, f: () => T): T {
  let s = seed >>> 0;
  const spy = vi.spyOn(Math, "random").mockImplementation(() => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  });
  try {
    return f();
  } finally {
    spy.mockRestore();
  }
}
afterEach(() => vi.restoreAllMocks());

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const XOR: Datum[] = [
  { input: [0, 0], output: [0] }, { input: [0, 1], output: [1] }, { input: [1, 0], output: [1] }, { input: [1, 1], output: [0] },
];

/** brain.js's colour-contrast example: black or white text on a background colour, by name. */
function contrast(rows: number, seed: number): Datum[] {
  const r = rng(seed);
  return Array.from({ length: rows }, () => {
    const c = { r: r(), g: r(), b: r() };
    const light = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b > 0.5;
    return { input: c, output: light ? { black: 1 } : { white: 1 } };
  });
}

/** Points inside or outside a circle: a task for relu and tanh nets. */
function circle(rows: number, seed: number): Datum[] {
  const r = rng(seed);
  return Array.from({ length: rows }, () => {
    const x = r() * 2 - 1, y = r() * 2 - 1;
    return { input: [x, y], output: [x * x + y * y < 0.5 ? 1 : 0] };
  });
}

interface Script {
  name: string;
  options: Record<string, unknown>;
  data: Datum[];
  train: Record<string, unknown>;
  /** Inputs whose outputs are compared, and a check that the task is solved. */
  probes: any[];
  solved: (net: AnyNet) => boolean;
}

const accuracy = (net: AnyNet, data: Datum[]) =>
  data.filter((d) => (net.run(d.input) as Float32Array)[0]! > 0.5 === (d.output[0] === 1)).length / data.length;

const SCRIPTS: Script[] = [
  {
    name: "XOR, sigmoid (brain.js's README)",
    options: { hiddenLayers: [3] },
    data: XOR,
    train: {},
    probes: XOR.map((d) => d.input),
    solved: (net) => accuracy(net, XOR) === 1,
  },
  {
    name: "colour contrast, inputs and outputs by name",
    options: { hiddenLayers: [4] },
    data: contrast(60, 3),
    train: { iterations: 2000 },
    probes: [{ r: 1, g: 0.4, b: 0 }, { r: 0.1, g: 0.1, b: 0.1 }, { r: 0.9, g: 0.9, b: 0.8 }],
    solved: (net) => {
      const data = contrast(60, 3);
      return data.filter((d) => brainjs.likely(d.input, net as never) === Object.keys(d.output)[0]).length >= 0.9 * data.length;
    },
  },
  {
    // relu's kinks make float32 and float64 runs part ways over thousands of iterations on harder
    // tasks (a unit switches off an iteration apart); XOR converges in ~500, where they agree to 1e-6
    name: "a relu net",
    options: { hiddenLayers: [8, 6], activation: "relu", learningRate: 0.05 },
    data: XOR,
    train: {},
    probes: XOR.map((d) => d.input),
    solved: (net) => accuracy(net, XOR) === 1,
  },
  {
    name: "a leaky-relu net",
    options: { hiddenLayers: [6], activation: "leaky-relu", leakyReluAlpha: 0.02, learningRate: 0.05 },
    data: XOR,
    train: {},
    probes: XOR.map((d) => d.input),
    solved: (net) => accuracy(net, XOR) === 1,
  },
  {
    name: "a tanh net",
    options: { hiddenLayers: [6], activation: "tanh", learningRate: 0.1 },
    data: circle(60, 7),
    train: { iterations: 1500 },
    probes: [[0, 0], [0.9, 0.9], [-0.2, 0.5]],
    solved: (net) => accuracy(net, circle(60, 7)) >= 0.85,
  },
  {
    name: "adam",
    options: { hiddenLayers: [5], praxis: "adam", learningRate: 0.02 },
    data: XOR,
    train: { iterations: 3000 },
    probes: XOR.map((d) => d.input),
    solved: (net) => accuracy(net, XOR) === 1,
  },
];

/** The starting point both libraries load: brain.js's own JSON after one iteration (so lookups exist). */
function startJSON(s: Script, seed = 11) {
  return seeded(seed, () => {
    const net = new brainjs.NeuralNetwork(s.options as never);
    net.train(s.data, { ...s.train, iterations: 1 } as never);
    return JSON.parse(JSON.stringify(net.toJSON()));
  });
}

function run(lib: Lib, s: Script, json: unknown, train: Record<string, unknown>) {
  const net = new lib.NeuralNetwork(s.options as never);
  net.fromJSON(json as never);
  const status = net.train(s.data, { ...s.train, ...train } as never);
  return { net: net as AnyNet, status };
}

/** Largest |a − b| / scale(b) over every weight and bias of two brain.js JSONs. */
function worstOver(a: any, b: any, scale: (w: number) => number): number {
  let worst = 0;
  for (let l = 1; l < b.layers.length; l++) {
    b.layers[l].weights.forEach((row: number[], j: number) => row.forEach((w, i) => {
      worst = Math.max(worst, Math.abs(a.layers[l].weights[j][i] - w) / scale(w));
    }));
    b.layers[l].biases.forEach((w: number, j: number) => { worst = Math.max(worst, Math.abs(a.layers[l].biases[j] - w) / scale(w)); });
  }
  return worst;
}
/** Largest |a − b| / max(1, |b|). */
const worstRelative = (a: any, b: any) => worstOver(a, b, (w) => Math.max(1, Math.abs(w)));
/** Largest |a − b|. */
const worstAbsolute = (a: any, b: any) => worstOver(a, b, () => 1);

const values = (out: unknown) => (ArrayBuffer.isView(out) ? Array.from(out as Float64Array) : Object.values(out as object)) as number[];
function maxDiff(a: unknown, b: unknown): number {
  const x = values(a), y = values(b);
  expect(x.length).toBe(y.length);
  return Math.max(...x.map((v, i) => Math.abs(v - y[i]!)));
}

describe.each(SCRIPTS)("the same script on brain.js and wasmlp/brain: $name", (s) => {
  it("has weights within 1e-4 (relative) of brain.js's after 100 iterations from the same JSON", () => {
    const json = startJSON(s);
    const theirs = run(brainjs, s, json, { iterations: 100, errorThresh: 1e-6 });
    const ours = run(brain, s, json, { iterations: 100, errorThresh: 1e-6 });
    expect(ours.status.iterations).toBe(100);
    expect(theirs.status.iterations).toBe(100);
    expect(worstRelative(ours.net.toJSON(), theirs.net.toJSON())).toBeLessThan(1e-4);
    expect(Math.abs(ours.status.error - theirs.status.error)).toBeLessThan(1e-5);
    // and the weights moved: 100 iterations of training are not the start
    expect(worstRelative(ours.net.toJSON(), json)).toBeGreaterThan(1e-3);
  });

  it("solves the task after full training, with run() within 1e-3 of brain.js's", () => {
    const json = startJSON(s);
    // the start JSON carries iterations: 1 in its trainOpts, and trainOpts persist: say how long
    const full = { iterations: 20000, errorThresh: 0.005, ...s.train };
    const theirs = run(brainjs, s, json, full);
    const ours = run(brain, s, json, full);
    expect(theirs.status.iterations).toBeGreaterThan(100);
    expect(s.solved(theirs.net)).toBe(true);
    expect(s.solved(ours.net)).toBe(true);
    // float32 against float64: the error may cross errorThresh an iteration or two apart
    expect(Math.abs(ours.status.iterations - theirs.status.iterations)).toBeLessThanOrEqual(2 + 0.002 * theirs.status.iterations);
    for (const probe of s.probes) expect(maxDiff(ours.net.run(probe), theirs.net.run(probe))).toBeLessThan(1e-3);
  });

  it("moves models both ways through JSON with run() within 1e-6", () => {
    const trained = run(brain, s, startJSON(s), { iterations: 300 }).net as NeuralNetwork;
    const text = JSON.stringify(trained.toJSON());
    const inBrain = new brainjs.NeuralNetwork().fromJSON(JSON.parse(text));
    const back = new brain.NeuralNetwork().fromJSON(JSON.parse(JSON.stringify(inBrain.toJSON())));
    for (const probe of s.probes) {
      expect(maxDiff(inBrain.run(probe), trained.run(probe))).toBeLessThan(1e-6);
      expect(maxDiff(back.run(probe), inBrain.run(probe))).toBeLessThan(1e-6);
      // wasmlp → JSON text → wasmlp is exact
      expect(new brain.NeuralNetwork().fromJSON(text).run(probe)).toEqual(trained.run(probe));
    }
  });
});

/**
 * brain.js's own code with every Float32Array a Float64Array: its arithmetic, in float64. The
 * tightest oracle there is for "brain.js's arithmetic": no float32 rounding to blur a wrong rule.
 */
function float64Brain(): typeof brainjs {
  const require = createRequire(import.meta.url);
  const path = require.resolve("brain.js");
  const module = { exports: {} as Record<string, unknown> };
  new Function("exports", "require", "module", "__filename", "__dirname", "Float32Array", readFileSync(path, "utf8"))(
    module.exports, createRequire(path), module, path, dirname(path), Float64Array,
  );
  return module.exports as unknown as typeof brainjs;
}
const brain64 = float64Brain();

describe("brain.js's arithmetic, against brain.js's own code run in float64", () => {
  const r = rng(17);
  const data = Array.from({ length: 20 }, () => {
    const x = r() * 2 - 1, y = r() * 2 - 1;
    return { input: [x, y, x * y], output: [x * x + y * y < 0.5 ? 1 : 0, x > 0 ? 1 : 0] };
  });
  const cases = (["sigmoid", "relu", "leaky-relu", "tanh"] as const).flatMap((activation) =>
    ([undefined, "adam"] as const).flatMap((praxis) => (["wasm", "ts"] as const).map((backend) => ({ activation, praxis, backend }))));
  // Adam's step is lr·m̂/(√v̂ + ε): where v is tiny, ε = 1e-8 turns a last-bit difference in m (or in
  // β^t, which wasmlp/brain computes by squaring, not with Math.pow) into one lr/ε = 5e6 times
  // larger, so Adam agrees to 1e-7 (with Math.pow the TS backend agreed to 1e-12: no rule differs).
  const tolerance = (praxis: string | undefined) => (praxis === "adam" ? 1e-7 : 1e-12);
  it.each(cases)("$activation, $praxis, backend $backend: every parameter within 1e-12 (Adam: 1e-7) after 50 iterations", ({ activation, praxis, backend }) => {
    const options = { hiddenLayers: [5, 4], activation, ...(praxis ? { praxis } : {}) };
    const json = seeded(3, () => {
      const net = new brain64.NeuralNetwork(options as never);
      net.train(data, { iterations: 1, learningRate: 0.05 } as never);
      return JSON.parse(JSON.stringify(net.toJSON()));
    });
    const settings = { iterations: 50, learningRate: 0.05, momentum: 0.3, leakyReluAlpha: 0.05, errorThresh: 1e-9 };
    const theirs = new brain64.NeuralNetwork().fromJSON(json);
    const ours = new NeuralNetwork({ backend }).fromJSON(json);
    const a = theirs.train(data, settings as never), b = ours.train(data, settings);
    expect(worstAbsolute(ours.toJSON(), theirs.toJSON())).toBeLessThan(tolerance(praxis));
    expect(b.iterations).toBe(a.iterations);
    expect(Math.abs(b.error - a.error)).toBeLessThan(tolerance(praxis));
    expect(worstAbsolute(ours.toJSON(), json)).toBeGreaterThan(1e-3); // it trained
  });

  it("reads trainOpts every iteration, as brain.js does: a callback that lowers learningRate, and Adam's β changed between calls", () => {
    const json = seeded(5, () => {
      const net = new brain64.NeuralNetwork({ hiddenLayers: [4] } as never);
      net.train(XOR, { iterations: 1 } as never);
      return JSON.parse(JSON.stringify(net.toJSON()));
    });
    const schedule = (lib: typeof brainjs | typeof brain) => {
      const net = new lib.NeuralNetwork().fromJSON(json) as AnyNet;
      const status = net.train(XOR, {
        iterations: 400, errorThresh: 1e-9, callbackPeriod: 25,
        callback: () => { net.trainOpts.learningRate *= 0.7; },
      } as never);
      return { net, status };
    };
    const a = schedule(brain64), b = schedule(brain);
    expect(worstAbsolute(b.net.toJSON(), a.net.toJSON())).toBeLessThan(1e-12);
    expect(b.net.trainOpts.learningRate).toBe(a.net.trainOpts.learningRate);
    const adamJSON = seeded(6, () => {
      const net = new brain64.NeuralNetwork({ hiddenLayers: [4], praxis: "adam" } as never);
      net.train(XOR, { iterations: 1 } as never);
      return JSON.parse(JSON.stringify(net.toJSON()));
    });
    const [x, y] = [brain64, brain].map((lib) => {
      const net = new lib.NeuralNetwork().fromJSON(adamJSON) as AnyNet;
      net.train(XOR, { iterations: 5, errorThresh: 1e-9, learningRate: 0.01 } as never);
      net.train(XOR, { iterations: 5, errorThresh: 1e-9, beta1: 0.5, beta2: 0.9 } as never);
      return net.toJSON();
    });
    expect(worstAbsolute(y, x)).toBeLessThan(1e-12);
  });
});

describe("wasmlp/brain's two backends", () => {
  it.each(SCRIPTS)("wasm and ts follow the same run ($name): weights ≤ 1e-10 apart after 200 iterations", (s) => {
    const json = startJSON(s);
    const nets = (["wasm", "ts"] as const).map((backend) => {
      const net = new NeuralNetwork({ ...s.options, backend } as never).fromJSON(json);
      expect(net.backend).toBe(backend);
      net.train(s.data, { ...s.train, iterations: 200, errorThresh: 1e-9 } as never);
      return net.toJSON();
    });
    expect(worstRelative(nets[0], nets[1])).toBeLessThan(1e-10);
  });
});

describe("brain.js's training loop, as brain.js runs it", () => {
  it("calls log and callback at the same iterations with the same errors, and stops at errorThresh at the same iteration", () => {
    const s = SCRIPTS[0]!;
    const json = startJSON(s);
    const record = (lib: Lib) => {
      const logs: number[][] = [], calls: number[][] = [];
      const net = new lib.NeuralNetwork().fromJSON(json);
      const status = net.train(XOR, {
        iterations: 5000, errorThresh: 0.02, log: (st: any) => logs.push([st.iterations, st.error]), logPeriod: 7,
        callback: (st: any) => calls.push([st.iterations, st.error]), callbackPeriod: 11,
      } as never);
      return { logs, calls, status };
    };
    const theirs = record(brainjs), ours = record(brain);
    expect(ours.status.iterations).toBe(theirs.status.iterations);
    expect(ours.status.iterations).toBeLessThan(5000);
    expect(ours.status.error).toBeLessThanOrEqual(0.02);
    expect(ours.logs.map((l) => l[0])).toEqual(theirs.logs.map((l) => l[0]));
    expect(ours.calls.map((l) => l[0])).toEqual(theirs.calls.map((l) => l[0]));
    ours.logs.forEach((l, i) => expect(Math.abs(l[1]! - theirs.logs[i]![1]!)).toBeLessThan(1e-5));
    ours.calls.forEach((l, i) => expect(Math.abs(l[1]! - theirs.calls[i]![1]!)).toBeLessThan(1e-5));
  });

  it("log: true prints brain.js's line", () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => { lines.push(line); });
    new NeuralNetwork({ seed: 1 }).train(XOR, { iterations: 20, log: true, logPeriod: 10, errorThresh: 1e-9 });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^iterations: 20, training error: 0\.\d+$/);
  });

  it("errorCheckInterval: the error is measured only every that many iterations, as in brain.js", () => {
    const json = startJSON(SCRIPTS[0]!);
    const statuses = [brainjs, brain].map((lib) => {
      const net = new lib.NeuralNetwork().fromJSON(json);
      net.errorCheckInterval = 50;
      return net.train(XOR, { iterations: 120, errorThresh: 0.3 } as never);
    });
    // the error first measured at iteration 50 is already below 0.3 (it is ~0.25): both stop there
    expect(statuses[1]!.iterations).toBe(statuses[0]!.iterations);
    expect(statuses[1]!.iterations).toBe(50);
    expect(Math.abs(statuses[1]!.error - statuses[0]!.error)).toBeLessThan(1e-5);
  });

  it("trainAsync gives train()'s run, and lets other work in between", async () => {
    const json = startJSON(SCRIPTS[1]!);
    const data = SCRIPTS[1]!.data;
    const sync = new NeuralNetwork().fromJSON(json);
    const syncStatus = sync.train(data, { iterations: 3000, errorThresh: 1e-9 });
    const async = new NeuralNetwork().fromJSON(json);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const asyncStatus = await async.trainAsync(data, { iterations: 3000, errorThresh: 1e-9 });
    clearInterval(timer);
    expect(asyncStatus).toEqual(syncStatus);
    expect(async.toJSON()).toEqual(sync.toJSON());
    expect(ticks).toBeGreaterThan(0);
  });

  it("timeout ends a run after about that long", () => {
    const net = new NeuralNetwork({ seed: 3 });
    const started = Date.now();
    const status = net.train(contrast(500, 1), { iterations: 1e9, errorThresh: 1e-9, timeout: 150 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(150);
    expect(took).toBeLessThan(1000);
    expect(status.iterations).toBeGreaterThan(0);
    expect(status.iterations).toBeLessThan(1e9);
  });

  it("test() gives brain.js's result: the error, the misclassified rows, and for one output the confusion matrix", () => {
    for (const s of [SCRIPTS[4]!, SCRIPTS[1]!]) {
      const json = startJSON(s);
      const held = s === SCRIPTS[1] ? contrast(40, 9) : circle(40, 9);
      const [theirs, ours] = [brainjs, brain].map((lib) => {
        const net = new lib.NeuralNetwork(s.options as never).fromJSON(json);
        net.train(s.data, { iterations: 200 } as never);
        return net.test(held as never) as any;
      });
      expect(Math.abs(ours.error - theirs.error)).toBeLessThan(1e-5);
      expect(ours.total).toBe(theirs.total);
      for (const key of ["trueNeg", "truePos", "falseNeg", "falsePos", "precision", "recall", "accuracy"]) expect(ours[key]).toEqual(theirs[key]);
      expect(ours.misclasses.map((m: any) => [m.actual, m.expected])).toEqual(theirs.misclasses.map((m: any) => [m.actual, m.expected]));
      ours.misclasses.forEach((m: any, i: number) => expect(maxDiff(m.input, theirs.misclasses[i].input)).toBeLessThan(1e-6));
    }
  });

  it("likely and toFunction answer like brain.js's", () => {
    const s = SCRIPTS[1]!;
    const json = startJSON(s);
    const theirs = new brainjs.NeuralNetwork().fromJSON(json);
    const ours = new brain.NeuralNetwork().fromJSON(json);
    const ourFunction = ours.toFunction(), theirFunction = theirs.toFunction();
    for (const d of contrast(30, 4)) {
      expect(brain.likely(d.input, ours)).toBe(brainjs.likely(d.input, theirs));
      expect(maxDiff(ourFunction(d.input), theirFunction(d.input))).toBeLessThan(1e-6);
      expect(maxDiff(ourFunction(d.input), ours.run(d.input))).toBeLessThan(1e-14);
    }
    // array nets, each activation, and brain.js's cb hook
    for (const activation of ["sigmoid", "relu", "leaky-relu", "tanh"] as const) {
      const net = new NeuralNetwork({ hiddenLayers: [3, 2], activation, learningRate: 0.05, seed: 2 });
      net.train(circle(20, 2), { iterations: 30 });
      const f = net.toFunction((source) => source.replace("return", "/* edited */ return"));
      for (const d of circle(10, 8)) expect(maxDiff(f(d.input), net.run(d.input))).toBeLessThan(1e-14);
    }
  });
});

describe("brain.js's quirks, kept", () => {
  it("sizes come from the first data, not from the constructor's inputSize and outputSize", () => {
    const [theirs, ours] = [brainjs, brain].map((lib) => {
      const net = new lib.NeuralNetwork({ inputSize: 5, outputSize: 2 } as never);
      net.train(XOR, { iterations: 2 } as never);
      return net.sizes;
    });
    expect(ours).toEqual(theirs);
    expect(ours).toEqual([2, 3, 1]);
  });

  it("an untrained network's sizes still come from the data after toJSON() or test(); run() before training is a StateError", () => {
    for (const first of ["toJSON", "test"] as const) {
      const [theirs, ours] = [brainjs, brain].map((lib) => {
        const net = new lib.NeuralNetwork({ inputSize: 3, outputSize: 1 } as never) as AnyNet;
        if (first === "toJSON") net.toJSON();
        else net.test(XOR as never);
        net.train(XOR, { iterations: 3 } as never);
        return net.sizes;
      });
      expect(ours).toEqual(theirs);
      expect(ours).toEqual([2, 3, 1]);
    }
    expect(() => new NeuralNetwork({ inputSize: 2, outputSize: 1 }).run([0, 1])).toThrow(StateError);
    // the starting weights toJSON() shows are the ones training starts from, for the same sizes and seed
    const shown = new NeuralNetwork({ inputSize: 2, hiddenLayers: [3], outputSize: 1, seed: 8 }).toJSON();
    const trained = new NeuralNetwork({ hiddenLayers: [3], seed: 8 });
    trained.train(XOR, { iterations: 1, learningRate: 1e-12, momentum: 1e-12 });
    expect(worstAbsolute(trained.toJSON(), shown)).toBeLessThan(1e-9);
  });

  it("a log function that edits the status it is handed, and a callback that switches log off, run as in brain.js", () => {
    const json = startJSON(SCRIPTS[0]!);
    const edits: [string, (st: any) => void, number][] = [
      ["iterations made fractional", (st) => { if (st.iterations === 5) st.iterations = 2.5; }, 1],
      ["iterations made fractional, error checked every 3", (st) => { if (st.iterations === 6) st.iterations = 2.5; }, 3],
      ["error made NaN", (st) => { st.error = NaN; }, 1],
    ];
    for (const [, edit, interval] of edits) {
      const [theirs, ours] = [brain64, brain].map((lib) => {
        const net = new lib.NeuralNetwork().fromJSON(json) as AnyNet;
        net.errorCheckInterval = interval;
        const status = net.train(XOR, { iterations: 30, errorThresh: 1e-9, log: edit, logPeriod: 1 } as never);
        return { status, json: net.toJSON() };
      });
      expect(ours.status.iterations).toBe(theirs.status.iterations);
      expect(worstAbsolute(ours.json, theirs.json)).toBeLessThan(1e-12);
    }
    for (const off of [null, undefined, 0]) {
      const [theirs, ours] = [brain64, brain].map((lib) => {
        const net = new lib.NeuralNetwork().fromJSON(json) as AnyNet;
        const lines: number[] = [];
        const status = net.train(XOR, {
          iterations: 30, errorThresh: 1e-9, log: (st: any) => lines.push(st.iterations), logPeriod: 2,
          callbackPeriod: 10, callback: () => { (net.trainOpts as any).log = off; },
        } as never);
        return { status, lines };
      });
      expect(ours).toEqual(theirs);
    }
  });

  it("options and data as brain.js takes them: null options; a value set on trainOpts by hand is checked as brain.js checks it", () => {
    expect(new NeuralNetwork(null).train(XOR, null).iterations).toBeGreaterThan(0);
    const net = new NeuralNetwork({ seed: 1 });
    net.trainOpts.learningRate = 5;
    expect(() => net.train(XOR)).toThrow(/learningRate must be a number between 0 and 1 \(exclusive\), not 5 \(set on trainOpts\)/);
    expect(net.sizes).toEqual([]); // untouched: still untrained
    net.trainOpts.learningRate = 0.3;
    // a hole in the data is a missing row
    // eslint-disable-next-line no-sparse-arrays
    expect(() => net.train([XOR[0]!, , XOR[2]!] as never)).toThrow(/train: data\[1\] must be \{ input, output \}, not undefined/);
  });

  it("typed arrays are values by position through a lookup of positions, as brain.js keeps them", () => {
    const typed = XOR.map((d) => ({ input: Float32Array.from(d.input), output: Float32Array.from(d.output) }));
    const json = seeded(4, () => {
      const net = new brainjs.NeuralNetwork({ hiddenLayers: [3] });
      net.train(typed as never, { iterations: 3 } as never);
      return JSON.parse(JSON.stringify(net.toJSON()));
    });
    expect(json.inputLookup).toEqual({ 0: 0, 1: 1 });
    const ours = new NeuralNetwork({ hiddenLayers: [3], seed: 1 });
    ours.train(typed, { iterations: 3 });
    expect([ours.inputLookup, ours.outputLookup]).toEqual([json.inputLookup, json.outputLookup]);
    const theirs = new brainjs.NeuralNetwork().fromJSON(json), loaded = new NeuralNetwork().fromJSON(json);
    for (const input of [[1, 0], Float32Array.of(0, 1)]) {
      const answer = loaded.run(input as never) as Record<string, number>;
      expect(Object.keys(answer)).toEqual(["0"]);
      expect(Math.abs(answer[0]! - (theirs.run(input as never) as any)[0])).toBeLessThan(1e-6);
    }
    loaded.train(typed, { iterations: 2 }); // and it keeps training
    expect(() => loaded.run([1, 0, 1])).toThrow(/no input or output at position 2/);
  });

  it("errorCheckInterval of 0, −1, 2.5 or Infinity trains as brain.js's does (error measured when i % interval === 0)", () => {
    const json = startJSON(SCRIPTS[0]!);
    for (const interval of [0, -1, 2.5, Infinity, 7, Number.NaN]) {
      const [theirs, ours] = [brain64, brain].map((lib) => {
        const net = new lib.NeuralNetwork().fromJSON(json) as AnyNet;
        net.errorCheckInterval = interval;
        return net.train(XOR, { iterations: 40, errorThresh: 0.001 } as never);
      });
      expect(ours.iterations).toBe(theirs.iterations);
      expect(Math.abs(ours.error - theirs.error)).toBeLessThan(1e-12);
    }
  });

  it("fractional iterations round up, and null is 'none' for praxis and 'default' for hiddenLayers", () => {
    for (const iterations of [0.5, 10.5]) {
      const [theirs, ours] = [brainjs, brain].map((lib) => new lib.NeuralNetwork().train(XOR, { iterations, errorThresh: 1e-9 } as never).iterations);
      expect(ours).toBe(theirs);
    }
    const net = new NeuralNetwork({ hiddenLayers: null, praxis: null, seed: 1 });
    net.train(XOR, { iterations: 3 });
    expect(net.sizes).toEqual([2, 3, 1]);
    expect(net.toJSON().trainOpts.praxis).toBeUndefined();
  });
});

describe("one memory for every network (src/brain/arena.ts)", () => {
  it("the arena reuses holes first-fit, merges neighbours, and lowers its top", () => {
    const arena = new Arena(new TsBackend());
    const [a, b, c] = [100, 200, 64].map((n) => arena.allocate(n));
    expect([a!.size, b!.size, c!.size]).toEqual([128, 256, 64]);
    expect(b!.at).toBe(a!.at + 128);
    arena.release(a!);
    expect(arena.allocate(64).at).toBe(a!.at); // first fit, split
    arena.release(b!);
    arena.release({ at: a!.at, size: 64 });
    expect(arena.used).toBe(64); // only c: the holes of a and b merged into one
    expect(arena.allocate(320).at).toBe(a!.at); // a's 64 + the 64 left + b's 256, one hole now
    arena.release({ at: a!.at, size: 320 });
    arena.release(c!);
    expect(arena.used).toBe(0);
    expect(arena.allocate(10).at).toBe(a!.at); // the top came back down
    // memory that cannot grow: a BackendError, and the arena as it was
    const backend = new TsBackend();
    const full = new Arena(backend);
    const first = full.allocate(64);
    full.allocate(64);
    vi.spyOn(backend, "reserve").mockImplementation(() => { throw new BackendError("cannot grow"); });
    expect(() => full.allocate(1 << 20)).toThrow(BackendError);
    expect(full.used).toBe(128);
    full.release(first);
    expect(full.allocate(64).at).toBe(first.at); // a hole needs no growth
  });

  it("networks share one wasm memory: many live at once, each region given back when replaced or when a run ends", () => {
    const shared = arenaFor("wasm");
    const json = new NeuralNetwork({ inputSize: 2, hiddenLayers: [3], outputSize: 1, seed: 1 }).toJSON();
    // more live networks than V8 allows memories (~13,000): one memory, so no limit but its size
    const population = Array.from({ length: 15000 }, () => new NeuralNetwork().fromJSON(json));
    expect(population.every((net) => net.backend === "wasm")).toBe(true);
    const answer = (population[14999]!.run([0, 1]) as Float64Array)[0];
    expect((population[0]!.run([0, 1]) as Float64Array)[0]).toBe(answer);
    const net = population[7]!;
    const used = shared.used;
    for (let i = 0; i < 50; i++) net.fromJSON(json); // the old plan's region goes back each time
    net.train(XOR, { iterations: 3 }); // and the data set's when the run ends
    expect(shared.used).toBe(used);
  });

  it("a region another network had starts clean: its node errors and deltas are not shown to the next", () => {
    const json = startJSON(SCRIPTS[0]!);
    const a = new NeuralNetwork().fromJSON(json);
    a.train(XOR, { iterations: 5 });
    a.fromJSON(json); // gives the trained plan's region back…
    const b = new NeuralNetwork().fromJSON(json); // …which b may take
    for (const values of [...b.errors, ...b.deltas, ...a.errors]) expect(Array.from(values).every((v) => v === 0)).toBe(true);
  });

  it("a plan above 2 GiB of the shared memory gets its descriptor where it is (offsets are unsigned)", () => {
    const plan = planMemory(2 ** 31 + 4096, 2, [{ size: 3, activationId: 1 }, { size: 1, activationId: 1 }], 0, 1);
    const writes = new Map<number, number>();
    let filled: [number, number] | undefined;
    const words = new Proxy({}, {
      get: (_t, key) => (key === "fill" ? (_v: number, start: number, end: number) => { filled = [start, end]; } : undefined),
      set: (_t, key, value) => { writes.set(Number(key), value as number); return true; },
    }) as Int32Array;
    writeDescriptor(plan, words);
    const h = plan.net / 4;
    expect(filled![0]).toBe(h);
    expect(writes.get(h)).toBe(2); // layer count, at the plan's own header
    expect([...writes.keys()].every((i) => i >= h && i < h + 16 + 2 * 12)).toBe(true);
  });

  it("interleaved runs of two networks in the one memory give each its own result", async () => {
    const json = startJSON(SCRIPTS[1]!);
    const alone = [SCRIPTS[1]!.data, contrast(60, 8)].map((data) => {
      const net = new NeuralNetwork().fromJSON(json);
      net.train(data, { iterations: 4000, errorThresh: 1e-9 });
      return JSON.stringify(net.toJSON());
    });
    const [a, b] = [new NeuralNetwork().fromJSON(json), new NeuralNetwork().fromJSON(json)];
    await Promise.all([
      a.trainAsync(SCRIPTS[1]!.data, { iterations: 4000, errorThresh: 1e-9 }),
      b.trainAsync(contrast(60, 8), { iterations: 4000, errorThresh: 1e-9 }),
    ]);
    expect([JSON.stringify(a.toJSON()), JSON.stringify(b.toJSON())]).toEqual(alone);
  });
});

describe("wasmlp/brain's own guarantees", () => {
  it("any data or options (fuzzed): a typed error that leaves the network as it was, or a run with numbers", () => {
    const value = fc.oneof(fc.double(), fc.constantFrom(0, 1, 0.5, NaN, Infinity, "1", null, undefined, true, 1n));
    const values = fc.oneof(
      fc.array(value, { maxLength: 4 }),
      fc.array(fc.double({ noNaN: true, min: -2, max: 2 }), { minLength: 2, maxLength: 2 }),
      fc.dictionary(fc.constantFrom("r", "g", "b", "x", "__proto__", "constructor", ""), value, { maxKeys: 3 }),
      fc.constantFrom(Float32Array.of(1, 0), new Float64Array(3), null, 5, "ab", [[1, 2]]),
    );
    const row = fc.oneof({ weight: 8, arbitrary: fc.record({ input: values, output: values }) }, { weight: 1, arbitrary: fc.constantFrom(null, {}, { input: [1, 0] }, []) });
    const options = fc.record({
      iterations: fc.constantFrom(1, 2, 0, -1, 2.5, NaN), learningRate: fc.constantFrom(0.1, 0, 2, NaN), logPeriod: fc.constantFrom(1, 3, 0.5),
    }, { requiredKeys: [] });
    fc.assert(fc.property(fc.array(row, { minLength: 0, maxLength: 5 }), options, fc.boolean(), (data, opts, trainedFirst) => {
      const net = new NeuralNetwork({ seed: 1, backend: "ts" });
      if (trainedFirst) net.train(XOR, { iterations: 2 });
      const before = net.sizes.length ? JSON.stringify(net.toJSON()) : "untrained";
      try {
        const status = net.train(data as never, { ...opts, log: () => {} } as never);
        expect(typeof status.error).toBe("number");
        expect(Number.isInteger(status.iterations)).toBe(true);
      } catch (error) {
        if (!(error instanceof WasmlpError)) throw error;
        if (error instanceof BrainDivergenceError) { // the run began (targets near 1e154 square to ∞): its weights stay finite
          expect(net.toJSON().layers.flatMap((l) => [...l.weights.flat(), ...l.biases]).every(Number.isFinite)).toBe(true);
        } else expect(net.sizes.length ? JSON.stringify(net.toJSON()) : "untrained").toBe(before);
      }
    }), { seed: 19, numRuns: 400 });
  });

  it("a data set that cannot get memory is refused before anything changes", () => {
    const net = new NeuralNetwork({ hiddenLayers: [3], seed: 1 });
    net.train(XOR, { iterations: 10 });
    const before = JSON.stringify(net.toJSON());
    const big = Array.from({ length: 20000 }, (_, i) => XOR[i % 4]!);
    // (the arena is shared and may have room: make its next allocation fail, as a grow past 4 GiB does)
    const grow = vi.spyOn(Arena.prototype, "allocate").mockImplementation(() => { throw new BackendError("cannot grow the WebAssembly memory (Maximum memory size exceeded)"); });
    expect(() => net.train(big, { learningRate: 0.9, iterations: 5, errorThresh: 0.1 })).toThrow(/cannot grow the WebAssembly memory/);
    grow.mockRestore();
    expect(JSON.stringify(net.toJSON())).toBe(before);
  });

  it("a second run on a network in training is refused (it would train the first on its data); run() and toJSON() may be called", async () => {
    const net = new NeuralNetwork({ hiddenLayers: [3], seed: 3 });
    let seen: unknown;
    expect(() => net.train(XOR, { iterations: 30, callbackPeriod: 10, callback: () => { seen = net.run([1, 0]); net.train(XOR); } }))
      .toThrow(/train: this network is in the middle of train\(\)/);
    expect(seen).toBeInstanceOf(Float64Array);
    expect(() => net.train(XOR, { iterations: 5, callback: () => net.fromJSON(net.toJSON()), callbackPeriod: 1 })).toThrow(/fromJSON: this network is in the middle of train/);
    // (train options persist, as in brain.js: the callback above stays until replaced)
    const first = net.trainAsync(XOR, { iterations: 500000, errorThresh: 1e-9, callback: undefined });
    await expect(net.trainAsync(XOR)).rejects.toThrow(/trainAsync: this network is in the middle of trainAsync\(\)/);
    expect((await first).iterations).toBe(500000);
    expect(net.train(XOR, { iterations: 3 }).iterations).toBe(3); // free again
  });

  it("fromJSON that cannot get memory is refused before anything changes", () => {
    const net = new NeuralNetwork({ seed: 4 });
    net.train(contrast(10, 2), { iterations: 5 });
    const before = JSON.stringify(net.toJSON());
    const big = new NeuralNetwork({ inputSize: 300, hiddenLayers: [600, 300], outputSize: 1, seed: 1 }).toJSON();
    // (the arena is shared and may have room: make its next allocation fail, as a grow past 4 GiB does)
    const grow = vi.spyOn(Arena.prototype, "allocate").mockImplementation(() => { throw new BackendError("cannot grow the WebAssembly memory (Maximum memory size exceeded)"); });
    expect(() => net.fromJSON(big)).toThrow(/cannot grow the WebAssembly memory/);
    grow.mockRestore();
    expect(JSON.stringify(net.toJSON())).toBe(before);
    expect(Object.keys(net.run({ r: 1 })).sort()).toEqual(["black", "white"]);
  });

  it("array data for a network that knows names is refused, and its lookups stay", () => {
    const net = new NeuralNetwork({ seed: 2 });
    net.train(contrast(10, 1), { iterations: 5 });
    expect(() => net.test([{ input: [0.1, 0.2, 0.3], output: [1, 0] }])).toThrow(/must be an object of named numbers \(the network knows 'r', 'g', 'b'\)/);
    expect(net.inputLookup).toEqual({ r: 0, g: 1, b: 2 });
    expect(Object.keys(net.run({ r: 0.5 })).sort()).toEqual(["black", "white"]);
  });

  it("a seed repeats a run; sizes default like brain.js's", () => {
    const a = new NeuralNetwork({ seed: 42 }), b = new NeuralNetwork({ seed: 42 });
    a.train(XOR, { iterations: 50 });
    b.train(XOR, { iterations: 50 });
    expect(a.toJSON()).toEqual(b.toJSON());
    expect(a.sizes).toEqual([2, 3, 1]);
    expect(new NeuralNetwork({ inputSize: 2, outputSize: 1 }).sizes).toEqual([2, 1]);
    // initial weights in brain.js's range
    const fresh = new NeuralNetwork({ inputSize: 5, hiddenLayers: [7], outputSize: 2, seed: 1 }).toJSON();
    const all = fresh.layers.flatMap((l) => [...l.weights.flat(), ...l.biases]);
    expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(0.2);
    expect(new Set(all).size).toBe(all.length);
  });

  it("unknown options name the nearest known one; constructor-only options are refused by train()", () => {
    expect(() => new NeuralNetwork({ hiddenLayer: [3] } as never)).toThrow(/unknown option 'hiddenLayer' — did you mean 'hiddenLayers'\?/);
    expect(() => new NeuralNetwork().train(XOR, { learningrate: 0.1 } as never)).toThrow(/did you mean 'learningRate'/);
    expect(() => new NeuralNetwork().train(XOR, { hiddenLayers: [3] } as never)).toThrow(/'hiddenLayers' is an option of the NeuralNetwork constructor/);
    expect(() => new NeuralNetwork({ learningRate: 1.5 })).toThrow(ConfigError);
    expect(() => new NeuralNetwork({ learningRate: 1.5 })).toThrow(/learningRate must be a number between 0 and 1/);
    expect(() => new NeuralNetwork({ activation: "softmax" as never })).toThrow(/activation must be one of 'sigmoid', 'relu', 'leaky-relu', 'tanh'/);
    expect(() => new NeuralNetwork({ hiddenLayers: [3, 0] })).toThrow(/hiddenLayers\[1\]/);
    expect(() => new NeuralNetwork({ backend: "gpu" as never })).toThrow(/backend must be/);
  });

  it("bad data gets a typed error naming the row, and leaves the network as it was", () => {
    const net = new NeuralNetwork({ seed: 5 });
    net.train(contrast(20, 1), { iterations: 10 });
    const before = JSON.stringify(net.toJSON());
    const probe = net.run({ r: 0.2, g: 0.3, b: 0.4 });
    expect(() => net.train([{ input: { r: 1, gg: 0.5 }, output: { black: 1 } }])).toThrow(/data\[0\]\.input: the network has no 'gg' — did you mean 'g'\?/);
    expect(() => net.train([{ input: { r: NaN }, output: { black: 1 } }])).toThrow(NonFiniteError);
    expect(() => net.train([{ input: { r: "1" }, output: { black: 1 } }] as never)).toThrow(DataError);
    expect(() => net.train([{ input: { r: 1 } }] as never)).toThrow(/data\[0\] has no 'output'/);
    expect(() => net.train([] as never)).toThrow(/data is empty/);
    expect(() => net.train(XOR)).toThrow(/data\[0\]\.input must be an object of named numbers/); // brain.js would read zeros
    expect(() => net.train(contrast(3, 1), { activation: "tanh" })).toThrow(/activation is 'sigmoid' for this network's weights/);
    expect(() => net.train(contrast(3, 1), { praxis: "adam" })).toThrow(/praxis is momentum SGD/);
    expect(() => net.run({ red: 1 })).toThrow(/run: input: the network has no 'red'/);
    expect(JSON.stringify(net.toJSON())).toBe(before);
    expect(net.run({ r: 0.2, g: 0.3, b: 0.4 })).toEqual(probe);
    const arrays = new NeuralNetwork({ seed: 5 });
    arrays.train(XOR, { iterations: 5 });
    expect(() => arrays.train([{ input: [0, 1, 1], output: [1] }])).toThrow(ShapeError);
    expect(() => arrays.run([1])).toThrow(/run: input has 1 values; the network's input layer has 2/);
    expect(() => new NeuralNetwork().run([1, 2])).toThrow(StateError);
  });

  it("fromJSON checks the whole file first: a malformed model is a ModelFormatError and the network keeps its weights", () => {
    const net = new NeuralNetwork({ seed: 6 });
    net.train(XOR, { iterations: 20 });
    const good = net.toJSON();
    const before = JSON.stringify(good);
    const broken: [string, (j: any) => void, RegExp][] = [
      ["a NaN weight", (j) => { j.layers[1].weights[0][1] = NaN; }, /layers\[1\]\.weights\[0\]\[1\] is NaN/],
      ["a short row", (j) => { j.layers[2].weights[0].pop(); }, /layers\[2\]\.weights\[0\] must hold 3 numbers/],
      ["sizes that do not match", (j) => { j.sizes = [2, 4, 1]; }, /layers\[1\]\.weights must hold 4 rows/],
      ["a recurrent model", (j) => { j.type = "LSTM"; }, /type is "LSTM"; wasmlp\/brain reads 'NeuralNetwork' models/],
      ["a lookup out of range", (j) => { j.inputLookup = { a: 0, b: 5 }; }, /inputLookup\['b'\] is 5/],
      ["a training option out of range", (j) => { j.trainOpts.learningRate = 7; }, /learningRate must be a number between 0 and 1/],
      ["no layers", (j) => { delete j.layers; }, /layers must be an array of 3/],
      ["an option that is not JSON", (j) => { j.options.inputSize = 1n; }, /options must hold JSON values/],
    ];
    for (const [, edit, message] of broken) {
      const j = JSON.parse(before);
      edit(j);
      expect(() => net.fromJSON(j)).toThrow(ModelFormatError);
      expect(() => net.fromJSON(j)).toThrow(message);
    }
    expect(() => net.fromJSON("{not json")).toThrow(/the text is not JSON/);
    // unbounded iterations: brain.js writes null (which no one reads back); this writes 2^53 − 1, which both read
    const endless = new NeuralNetwork({ seed: 1, iterations: Infinity });
    endless.train(XOR, { timeout: 20, errorThresh: 1e-9 });
    const text = JSON.stringify(endless.toJSON());
    expect(new brainjs.NeuralNetwork().fromJSON(JSON.parse(text)).trainOpts.iterations).toBe(Number.MAX_SAFE_INTEGER);
    expect(JSON.stringify(new NeuralNetwork().fromJSON(text).toJSON())).toBe(text);
    expect(JSON.stringify(net.toJSON())).toBe(before);
  });

  it("a diverging run stops before the bad update, keeps finite weights, and says where", () => {
    const data = [{ input: [1e150, 1e150], output: [1] }, { input: [1, 1], output: [0] }];
    const json = new NeuralNetwork({ inputSize: 2, hiddenLayers: [4], outputSize: 1, activation: "relu", seed: 9, learningRate: 0.5 }).toJSON();
    const errors = (["wasm", "ts"] as const).map((backend) => {
      const net = new NeuralNetwork({ backend }).fromJSON(json);
      let error: unknown;
      try {
        net.train(data, { iterations: 50 });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(BrainDivergenceError);
      const all = net.toJSON().layers.flatMap((l) => [...l.weights.flat(), ...l.biases]);
      expect(all.every(Number.isFinite)).toBe(true);
      return { error: error as BrainDivergenceError, weights: net.toJSON() };
    });
    expect(errors[0]!.error.message).toMatch(/^train: iteration \d+, data\[\d\] gave a NaN or infinite (activation or output error|delta); training stopped before that update/);
    expect([errors[1]!.error.iteration, errors[1]!.error.sample]).toEqual([errors[0]!.error.iteration, errors[0]!.error.sample]);
    expect(worstRelative(errors[0]!.weights, errors[1]!.weights)).toBeLessThan(1e-10);
  });

  it("brain.js's other classes throw an UnsupportedError naming the class", () => {
    expect(() => new brain.NeuralNetworkGPU()).toThrow(UnsupportedError);
    expect(() => new brain.NeuralNetworkGPU()).toThrow(/brain\.NeuralNetworkGPU is not supported/);
    expect(() => new brain.recurrent.LSTM()).toThrow(/brain\.LSTM is not supported: .* recurrent networks/);
    expect(() => new brain.recurrent.RNNTimeStep()).toThrow(UnsupportedError);
    expect(() => new brain.CrossValidate()).toThrow(UnsupportedError);
    expect(() => (brain.utilities as any).toSVG).toThrow(/brain\.utilities\.toSVG is not supported/);
    expect(String(brain.layer)).toBe("[object Object]");
  });

  it("node errors and deltas of the last sample are readable, in brain.js's sign (y − a)", () => {
    const net = new NeuralNetwork({ hiddenLayers: [3], seed: 4 });
    const sample = { input: [0.5, -0.5], output: [1] };
    const before = new NeuralNetwork({ hiddenLayers: [3], seed: 4 });
    before.train([sample], { iterations: 1, learningRate: 1e-9 }); // the same start, all but unmoved
    const start = before.toJSON();
    const a = (before.run(sample.input) as Float64Array)[0]!;
    net.train([sample], { iterations: 1 });
    const [, hidden, output] = net.errors;
    const e = 1 - a, d = e * a * (1 - a);
    expect(output![0]).toBeCloseTo(e, 6);
    expect(net.deltas[2]![0]).toBeCloseTo(d, 6);
    start.layers[2]!.weights[0]!.forEach((w, i) => expect(hidden![i]).toBeCloseTo(d * w, 6));
  });
});
