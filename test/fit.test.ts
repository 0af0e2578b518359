// fit(), evaluate() and their options, on both backends, against independent oracles: the
// public two-step loop, formulas for the schedules, and a real data set.
import { describe, expect, it } from "vitest";
import { Adam, ConfigError, DivergenceError, Network, SGD, StateError, type BackendName, type FitOptions, type OptimizerConfig } from "../src/index.js";
import { Random } from "../src/random.js";
import { BACKENDS, expectClose, loadClassification, splitRows, blobs } from "./helpers.js";


const classifier = (backend: BackendName, seed = 3) => Network.create({
  inputSize: 4, seed, backend, loss: "crossEntropy",
  layers: [{ size: 8, activation: "tanh" }, { size: 3, activation: "softmax" }],
});

const createTwinOptimizer = (net: Network, config: OptimizerConfig) => (config.type === "sgd" ? new SGD(net, config) : new Adam(net, config));

const flatWeights = (net: Network) => net.toJSON().layers.flatMap((l) => [...l.weights, ...l.biases]);

describe.each(BACKENDS)("fit on %s", (backend) => {
  it("learns the digits data set to ≥ 95 % test accuracy (80/20 split, fixed seed)", async () => {
    const digits = loadClassification("digits.csv");
    const scaled = digits.inputs.map((r) => r.map((v) => v / 16));
    const { train: [xTrain, yTrain], test: [xTest, yTest] } = splitRows(scaled.length, 2026, 0.2, scaled, digits.targets);
    const net = await Network.create({
      inputSize: 64, seed: 1, backend, loss: "crossEntropy",
      layers: [{ size: 32, activation: "relu" }, { size: 10, activation: "softmax" }],
    });
    const history = net.fit(xTrain!, yTrain!, { epochs: 30, batchSize: 32, optimizer: { type: "adam", lr: 0.01 }, metrics: ["accuracy"] });
    expect(history.epochs).toHaveLength(30);
    expect(history.epochs.at(-1)!.loss).toBeLessThan(history.epochs[0]!.loss / 5);
    const result = net.evaluate(xTest!, yTest!);
    expect(result.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  const loops: [string, OptimizerConfig][] = [
    ["SGD with momentum", { type: "sgd", lr: 0.2, momentum: 0.9 }],
    ["plain SGD with weight decay (updates fused into the gradient kernel)", { type: "sgd", lr: 0.2, weightDecay: 1e-3 }],
    ["Adam", { type: "adam", lr: 0.01, weightDecay: 1e-4 }],
  ];
  for (const [name, config] of loops) {
    it(`is the two-step loop (${name}): same batches, same updates, bit for bit`, async () => {
      const { inputs, targets } = blobs(50, 1);
      const net = await classifier(backend);
      const twin = await classifier(backend);
      const history = net.fit(inputs, targets, { epochs: 3, batchSize: 16, shuffle: false, optimizer: config });
      const optimizer = createTwinOptimizer(twin, config);
      for (let epoch = 0; epoch < 3; epoch++) {
        let lossSum = 0;
        for (let start = 0; start < 50; start += 16) {
          optimizer.zeroGrad();
          twin.forward(inputs.slice(start, start + 16));
          const rows = Math.min(16, 50 - start);
          lossSum += twin.backward(targets.slice(start, start + 16)) * rows;
          optimizer.step();
        }
        expectClose([history.epochs[epoch]!.loss], [lossSum / 50], `epoch ${epoch + 1} loss`, 1e-14);
      }
      expect(flatWeights(net)).toEqual(flatWeights(twin));
      expect(history.optimizer.stepCount).toBe(12);
    });
  }

  it("shuffles by seed: the same seed repeats a run exactly, another seed does not", async () => {
    const { inputs, targets } = blobs(60, 2);
    const run = async (seed: number) => {
      const net = await classifier(backend);
      net.fit(inputs, targets, { epochs: 4, batchSize: 8, seed, optimizer: { type: "adam", lr: 0.01 } });
      return flatWeights(net);
    };
    expect(await run(7)).toEqual(await run(7));
    expect(await run(7)).not.toEqual(await run(8));
  });

  it("reports accuracy and validation metrics that match evaluate() and predict()", async () => {
    const { inputs, targets } = blobs(90, 3);
    const net = await classifier(backend);
    const history = net.fit(inputs, targets, { epochs: 5, batchSize: 10, validationSplit: 0.2, validationRows: "last", metrics: ["accuracy"], optimizer: { type: "adam", lr: 0.02 } });
    const last = history.epochs.at(-1)!;
    const valInputs = inputs.slice(72), valTargets = targets.slice(72);
    const evaluation = net.evaluate(valInputs, valTargets);
    expectClose([last.valLoss!], [evaluation.loss], "valLoss", 1e-12);
    expect(last.valAccuracy).toBe(evaluation.accuracy);
    // evaluate() against the two-step API: mean per-sample loss, argmax agreement
    net.forward(valInputs);
    const meanLoss = net.backward(valTargets);
    expectClose([evaluation.loss], [meanLoss], "evaluate loss", 1e-12);
    const argmax = (row: ArrayLike<number>) => Array.from(row).indexOf(Math.max(...Array.from(row)));
    const predictions = net.predict(valInputs);
    const correct = valTargets.filter((t, i) => argmax(t) === argmax(predictions.row(i))).length;
    expect(evaluation.accuracy).toBe(correct / valTargets.length);
    expect(last.accuracy).toBeGreaterThan(0.5);
  });

  it("predicts and evaluates many more rows than one chunk, exactly as one big forward()", async () => {
    const { inputs, targets } = blobs(1001, 12);
    const net = await classifier(backend);
    const predicted = net.predict(inputs);
    const whole = net.forward(inputs);
    expect(Array.from(predicted.data)).toEqual(Array.from(whole.data));
    const loss = net.backward(targets);
    expectClose([net.evaluate(inputs, targets).loss], [loss], "evaluate over 1001 rows", 1e-13);
  });

  it("thresholds sigmoid outputs at 0.5 for accuracy", async () => {
    const net = await Network.create({ inputSize: 1, seed: 1, backend, loss: "binaryCrossEntropy", layers: [{ size: 2, activation: "sigmoid" }] });
    net.setParameters(1, { weights: [[1], [-1]], biases: [0, 0] });
    // outputs: σ(x), σ(−x) → for x = 2: [0.88, 0.12]; targets agree on 1 of 2 labels in row 0, 2 of 2 in row 1
    expect(net.evaluate([[2], [-2]], [[1, 1], [0, 1]]).accuracy).toBe(3 / 4);
  });

  it("follows the step, exponential and cosine schedules and carries the epoch count on", async () => {
    const { inputs, targets } = blobs(30, 4);
    const lrs = async (schedule: FitOptions["schedule"], epochs = 6) => {
      const net = await classifier(backend);
      const optimizer = new SGD(net, { lr: 0.1 });
      return net.fit(inputs, targets, { epochs, optimizer, schedule }).epochs.map((e) => e.lr);
    };
    const expected = (f: (e: number) => number) => Array.from({ length: 6 }, (_, e) => f(e));
    expect(await lrs({ type: "step", stepSize: 2, gamma: 0.5 })).toEqual(expected((e) => 0.1 * 0.5 ** Math.floor(e / 2)));
    expect(await lrs({ type: "exponential", gamma: 0.9 })).toEqual(expected((e) => 0.1 * 0.9 ** e));
    const cosine = await lrs({ type: "cosine", period: 5, minLr: 0.01 });
    expect(cosine[0]).toBeCloseTo(0.1, 15);
    expect(cosine[5]).toBeCloseTo(0.01, 15);
    expect(cosine[2]).toBeCloseTo(0.01 + 0.09 * (1 + Math.cos((Math.PI * 2) / 5)) / 2, 15);
    // a second fit continues the epoch count, so the schedule continues too
    const net = await classifier(backend);
    const optimizer = new SGD(net, { lr: 0.1 });
    net.fit(inputs, targets, { epochs: 3, optimizer, schedule: { type: "exponential", gamma: 0.5 } });
    const more = net.fit(inputs, targets, { epochs: 2, optimizer, schedule: { type: "exponential", gamma: 0.5 } });
    expect(more.epochs.map((e) => [e.epoch, e.lr])).toEqual([[4, 0.1 * 0.5 ** 3], [5, 0.1 * 0.5 ** 4]]);
    expect(net.epochsTrained).toBe(5);
  });

  it("clips each batch's gradient to clipNorm", async () => {
    const { inputs, targets } = blobs(20, 5);
    const net = await classifier(backend);
    let previous = flatWeights(net);
    const steps: number[] = [];
    net.fit(inputs, targets, {
      epochs: 3, batchSize: 20, clipNorm: 1e-3, optimizer: { type: "sgd", lr: 1 },
      onEpochEnd: () => {
        const now = flatWeights(net);
        steps.push(Math.hypot(...now.map((v, i) => v - previous[i]!)));
        previous = now;
      },
    });
    for (const step of steps) {
      expect(step).toBeLessThanOrEqual(1e-3 * (1 + 1e-9));
      expect(step).toBeGreaterThan(0.99e-3); // the raw gradient is far longer, so every step is clipped to the bound
    }
  });

  it("stops early and restores the best epoch's weights", async () => {
    const { inputs, targets } = blobs(40, 6);
    const net = await classifier(backend);
    const weightsAt: number[][] = [];
    const history = net.fit(inputs, targets, {
      epochs: 50, batchSize: 8, optimizer: { type: "adam", lr: 0.01 },
      // no later epoch can improve the loss by 1e9: epoch 1 stays best, and after 3 more epochs it stops
      earlyStopping: { monitor: "loss", patience: 3, minDelta: 1e9, restoreBestWeights: true },
      onEpochEnd: () => { weightsAt.push(flatWeights(net)); },
    });
    expect(history.stopReason).toBe("earlyStopping");
    expect(history.epochs).toHaveLength(4);
    expect(history.bestEpoch).toBe(1);
    expect(flatWeights(net)).toEqual(weightsAt[0]);
    expect(flatWeights(net)).not.toEqual(weightsAt[3]);
  });

  it("stops early on validation loss at the epoch of its minimum", async () => {
    const { inputs, targets } = blobs(60, 7);
    const net = await classifier(backend);
    const weightsAt: number[][] = [];
    const history = net.fit(inputs, targets, {
      epochs: 300, batchSize: 4, validationSplit: 0.5, optimizer: { type: "adam", lr: 0.05 },
      earlyStopping: { patience: 5 },
      onEpochEnd: () => { weightsAt.push(flatWeights(net)); },
    });
    const valLosses = history.epochs.map((e) => e.valLoss!);
    const bestIndex = valLosses.indexOf(Math.min(...valLosses));
    expect(history.stopReason).toBe("earlyStopping");
    expect(history.epochs.length).toBe(bestIndex + 1 + 5);
    expect(history.bestEpoch).toBe(bestIndex + 1);
    expect(flatWeights(net)).toEqual(weightsAt[bestIndex]);
  });

  it("stops when a callback returns false or the signal aborts", async () => {
    const { inputs, targets } = blobs(40, 8);
    const net = await classifier(backend);
    const byEpoch = net.fit(inputs, targets, { epochs: 10, onEpochEnd: (log) => log.epoch < 3 });
    expect(byEpoch.stopReason).toBe("callback");
    expect(byEpoch.epochs).toHaveLength(3);
    expect(net.epochsTrained).toBe(3);

    const batches: number[] = [];
    const byBatch = net.fit(inputs, targets, { epochs: 10, batchSize: 8, onBatchEnd: (log) => { batches.push(log.batch); return !(log.epoch === 5 && log.batch === 2); } });
    expect(byBatch.stopReason).toBe("callback");
    expect(batches).toEqual([1, 2, 3, 4, 5, 1, 2]); // 40 rows in batches of 8: 5 per epoch
    expect(net.epochsTrained).toBe(4);

    const controller = new AbortController();
    const aborted = net.fit(inputs, targets, { epochs: 10, signal: controller.signal, onEpochEnd: (log) => { if (log.epoch === 6) controller.abort(); } });
    expect(aborted.stopReason).toBe("aborted");
    expect(aborted.epochs).toHaveLength(2);
  });

  it("fitAsync yields to the event loop and trains exactly like fit", async () => {
    const { inputs, targets } = blobs(600, 9);
    const a = await classifier(backend), b = await classifier(backend);
    const options: FitOptions = { epochs: 20, batchSize: 1, optimizer: { type: "sgd", lr: 0.01 }, yieldEveryMs: 2 };
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 1);
    const started = performance.now();
    const history = await a.fitAsync(inputs, targets, options);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    b.fit(inputs, targets, options);
    expect(flatWeights(a)).toEqual(flatWeights(b));
    expect(history.epochs).toHaveLength(20);
    // timers ran while training: the event loop was not blocked for the whole run
    expect(ticks).toBeGreaterThan(Math.min(5, elapsed / 20));
  });

  it("stops a diverging run with an error that names epoch and batch, keeping the last good weights", async () => {
    const net = await Network.create({ inputSize: 2, seed: 1, backend, loss: "squaredError", layers: [{ size: 3, activation: "identity" }, { size: 1, activation: "identity" }] });
    const random = new Random(1);
    const inputs = Array.from({ length: 64 }, () => [random.uniform(10), random.uniform(10)]);
    const targets = inputs.map(([a, b]) => [a! * 3 - b!]);
    let lastGood = flatWeights(net);
    let error: unknown;
    try {
      net.fit(inputs, targets, { epochs: 100, batchSize: 8, optimizer: { type: "sgd", lr: 0.5 }, onBatchEnd: () => { lastGood = flatWeights(net); } });
    } catch (e) { error = e; }
    expect(error).toBeInstanceOf(DivergenceError);
    const d = error as DivergenceError;
    expect(d.message).toMatch(new RegExp(`training diverged in epoch ${d.epoch}, batch ${d.batch} of 8: .*not finite.*lower the learning rate \\(it was 0.5\\)`));
    expect(d.history.epochs.length).toBe(d.epoch - 1);
    expect(flatWeights(net)).toEqual(lastGood);
    expect(flatWeights(net).every(Number.isFinite)).toBe(true);
  });

  // The loss stays finite in both cases below: only the gradient check can stop them.
  const divergesOnGradient = (net: Network, inputs: number[][], targets: number[][]) => {
    const before = flatWeights(net);
    let error: unknown;
    try {
      net.fit(inputs, targets, { epochs: 1, batchSize: inputs.length, shuffle: false, optimizer: { type: "sgd", lr: 0.1 } });
    } catch (e) { error = e; }
    expect(error).toBeInstanceOf(DivergenceError);
    expect((error as Error).message).toMatch(/epoch 1, batch 1 of 1: a gradient is not finite \(batch loss \d/);
    expect(flatWeights(net)).toEqual(before);
  };

  it("rolls weights and momentum back to the start of the epoch when a step overflows the weights themselves", async () => {
    // Zero inputs and targets: the loss is 0 and every gradient is 0, but weight decay with lr·wd = 5
    // (and momentum 0.5) multiplies the weights by about −3.35 a step: 1e295 overflows in epoch 3.
    const net = await Network.create({ inputSize: 2, seed: 1, backend, loss: "squaredError", layers: [{ size: 1, activation: "identity" }] });
    net.setParameters(1, { weights: [[1e295, -3e294]], biases: [0] });
    const optimizer = new SGD(net, { lr: 1, momentum: 0.5, weightDecay: 5 });
    const zeros = Array.from({ length: 10 }, () => [0, 0]);
    let atEpochStart = net.toJSON({ optimizer });
    let error: unknown;
    try {
      net.fit(zeros, zeros.map(() => [0]), { epochs: 5, batchSize: 1, optimizer, onEpochEnd: () => { atEpochStart = net.toJSON({ optimizer }); } });
    } catch (e) { error = e; }
    expect(error).toBeInstanceOf(DivergenceError);
    expect((error as DivergenceError).epoch).toBe(3);
    expect((error as Error).message).toMatch(/keeps the weights from the start of epoch 3/);
    const state = atEpochStart.training!.optimizer!;
    expect(state.state1.some((v) => v !== 0)).toBe(true); // the momentum buffer had something to restore
    expect(net.toJSON({ optimizer })).toEqual(atEpochStart);
  });

  it("bounds the training gradients by the training rows only: a huge held-out input does not stop training", async () => {
    const net = await Network.create({ inputSize: 2, seed: 1, backend, loss: "squaredError", layers: [{ size: 4, activation: "tanh" }, { size: 1, activation: "identity" }] });
    const inputs = Array.from({ length: 20 }, (_, i) => [Math.sin(i), Math.cos(i)]);
    const targets = inputs.map(([a]) => [a! * 0.5]);
    inputs[19] = [1e305, 1]; // the last row is held out by the split; tanh keeps its loss finite
    const history = net.fit(inputs, targets, { epochs: 3, batchSize: 4, validationSplit: 0.1, validationRows: "last", optimizer: { type: "sgd", lr: 0.05 } });
    expect(history.epochs).toHaveLength(3);
    expect(history.epochs.every((e) => Number.isFinite(e.valLoss!))).toBe(true);
  });

  it("stops before an update whose gradient overflows although the loss is finite", async () => {
    // tiny first-layer weights keep the logits near 1e250, but dW¹ = D¹·x reaches 1e200 · 1e150
    const net = await Network.create({ inputSize: 2, seed: 1, backend, loss: "crossEntropy", layers: [{ size: 3, activation: "identity" }, { size: 2, activation: "softmax" }] });
    net.setParameters(1, { weights: [[1e-100, 2e-100], [-1e-100, 1e-100], [2e-100, -1e-100]], biases: [0, 0, 0] });
    net.setParameters(2, { weights: [[1e200, -1e200, 1e200], [-1e200, 1e200, 1e200]], biases: [0, 0] });
    const inputs = Array.from({ length: 12 }, (_, r) => [1e150 * (1 + r / 12), -1e150 * (r % 3)]);
    divergesOnGradient(net, inputs, inputs.map((_, r) => (r % 2 ? [1, 0] : [0, 1])));
  });

  it("stops before an update whose deltas hold NaN (∞·0 at a dead relu) although the loss is finite", async () => {
    // unit 1 is dead (z ≤ 0 for positive inputs), so its huge outgoing weights add 0 to the logits,
    // but its node error overflows to ∞ and its delta is ∞·f′(z) = ∞·0 = NaN; nothing else is infinite
    const net = await Network.create({ inputSize: 2, seed: 1, backend, loss: "crossEntropy", layers: [{ size: 3, activation: "relu" }, { size: 4, activation: "softmax" }] });
    net.setParameters(1, { weights: [[-1, -1], [1, 0], [0, 1]], biases: [0, 0, 0] });
    net.setParameters(2, { weights: [[1.7e308, 0.1, 0.2], [1.7e308, 0.3, 0.1], [1.7e308, -0.2, 0.1], [-1.7e308, 0.1, -0.1]], biases: [0, 0, 0, 0] });
    const inputs = Array.from({ length: 11 }, (_, r) => [0.5 + r / 22, 1 - r / 22]);
    divergesOnGradient(net, inputs, inputs.map(() => [0, 0, 0, 1]));
  });
});

describe.each(BACKENDS)("fit keeps its promises at the edges on %s", (backend) => {
  it("a new optimizer starts from zero state, also with an odd parameter count", async () => {
    const net = await Network.create({ inputSize: 2, seed: 2, backend, loss: "squaredError", layers: [{ size: 1, activation: "sigmoid" }] });
    expect(net.parameterCount).toBe(3);
    const { inputs, targets } = { inputs: [[0, 1], [1, 0], [1, 1]], targets: [[1], [0], [1]] };
    net.fit(inputs, targets, { epochs: 3, batchSize: 1, optimizer: { type: "adam", lr: 0.05 } });
    const fresh = new Adam(net);
    const state = net.toJSON({ optimizer: fresh }).training!.optimizer!;
    expect(state.state1).toEqual([0, 0, 0]);
    expect(state.state2).toEqual([0, 0, 0]);
  });

  it("evaluate() and fit() end the last forward() batch: backward() then refuses", async () => {
    const { inputs, targets } = blobs(300, 13);
    const net = await classifier(backend);
    net.forward(inputs.slice(0, 4));
    net.evaluate(inputs, targets);
    expect(() => net.backward(targets.slice(0, 4))).toThrow(StateError);
    net.forward(inputs.slice(0, 4));
    net.fit(inputs, targets, { epochs: 1 });
    expect(() => net.backward(targets.slice(0, 4))).toThrow(StateError);
  });

  it("restoreBestWeights also applies when a callback stops in the middle of an epoch", async () => {
    const { inputs, targets } = blobs(40, 14);
    const net = await classifier(backend);
    const weightsAt: number[][] = [];
    const history = net.fit(inputs, targets, {
      epochs: 50, batchSize: 8, optimizer: { type: "adam", lr: 0.01 },
      earlyStopping: { monitor: "loss", patience: 100, restoreBestWeights: true },
      onEpochEnd: () => { weightsAt.push(flatWeights(net)); },
      onBatchEnd: (log) => !(log.epoch === 4 && log.batch === 2),
    });
    expect(history.stopReason).toBe("callback");
    expect(history.epochs).toHaveLength(3);
    const losses = history.epochs.map((e) => e.loss);
    expect(history.bestEpoch).toBe(losses.indexOf(Math.min(...losses)) + 1);
    expect(flatWeights(net)).toEqual(weightsAt[history.bestEpoch! - 1]);
  });

  it("a schedule that would reach a learning rate of 0 is refused before any training", async () => {
    const { inputs, targets } = blobs(20, 15);
    const net = await classifier(backend);
    const before = flatWeights(net);
    expect(() => net.fit(inputs, targets, { epochs: 5, optimizer: { type: "sgd", lr: 0.1 }, schedule: { type: "cosine", period: 3 } }))
      .toThrow(/learning rate of epoch 4 would be 0; it must stay a positive number \(for cosine, set minLr > 0\)/);
    expect(() => net.fit(inputs, targets, { epochs: 3, schedule: (epoch) => (epoch < 2 ? 0.1 : Number.NaN) })).toThrow(/epoch 3 would be NaN/);
    expect(flatWeights(net)).toEqual(before);
    expect(net.epochsTrained).toBe(0);
  });

  it("fitAsync refuses a bad yieldEveryMs, and no new optimizer can take over while it runs", async () => {
    const { inputs, targets } = blobs(20, 16);
    const net = await classifier(backend);
    await expect(net.fitAsync(inputs, targets, { yieldEveryMs: Number.NaN })).rejects.toThrow(/yieldEveryMs must be a number ≥ 0, got NaN/);
    const errors: unknown[] = [];
    await net.fitAsync(inputs, targets, {
      epochs: 2, onEpochEnd: () => { try { new SGD(net, { lr: 0.1 }); } catch (e) { errors.push(e); } },
    });
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(StateError);
  });
});

describe("fit: bad options and data change nothing", () => {
  it.each(BACKENDS)("on %s", async (backend) => {
    const { inputs, targets } = blobs(20, 10);
    const net = await classifier(backend);
    const optimizer = new SGD(net, { lr: 0.1, momentum: 0.9 });
    net.fit(inputs, targets, { epochs: 2, optimizer });
    const before = flatWeights(net);
    const twin = await classifier(backend);
    const twinOptimizer = new SGD(twin, { lr: 0.1, momentum: 0.9 });
    twin.fit(inputs, targets, { epochs: 2, optimizer: twinOptimizer });
    const other = await classifier(backend);
    const bad: [FitOptions, RegExp, unknown[][]?, unknown[][]?][] = [
      [{ epochs: 0 }, /epochs must be a positive integer, got 0/],
      [{ batchSize: 2.5 }, /batchSize must be a positive integer/],
      [{ validationSplit: 1 }, /validationSplit must be in \(0, 1\)/],
      [{ metrics: ["f1" as never] }, /unknown metric "f1"/],
      [{ earlyStopping: { monitor: "valLoss" } }, /needs validationSplit or validationData/],
      [{ optimizer: { type: "rmsprop" } as never }, /optimizer.type must be 'sgd' or 'adam'/],
      [{ optimizer: { type: "sgd", lr: -1 } }, /SGD lr must be a positive number/],
      [{ optimizer: new SGD(other, { lr: 1 }) }, /optimizer: this optimizer belongs to another network/],
      // the optimizer is refused before a schedule function is even consulted
      [{ optimizer: new SGD(other, { lr: 1 }), schedule: () => { throw new Error("schedule called"); } }, /optimizer: this optimizer belongs to another network/],
      [{ schedule: { type: "step", stepSize: 0 } }, /schedule.stepSize must be a positive number/],
      [{ clipNorm: -1 }, /clipNorm must be a positive number/],
      [{ optimizer }, /training targets: 19 rows|19 target rows/, inputs, targets.slice(1)],
      [{ optimizer }, /training inputs: row 3, column 1 is not finite/, inputs.map((r, i) => (i === 3 ? [r[0], NaN, r[2], r[3]] : r))],
      [{ optimizer }, /training targets: row 0, column 0 is negative/, inputs, targets.map((r, i) => (i === 0 ? [-1, 1, 1] : r))],
    ];
    for (const [options, message, x, y] of bad) {
      let error: unknown;
      try { net.fit((x ?? inputs) as number[][], (y ?? targets) as number[][], options); } catch (e) { error = e; }
      expect(error, JSON.stringify(message.source)).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(message);
      expect(flatWeights(net)).toEqual(before);
    }
    const singleOutput = await Network.create({ inputSize: 1, seed: 1, backend, loss: "squaredError", layers: [{ size: 1, activation: "identity" }] });
    expect(() => singleOutput.fit([[1]], [[1]], { metrics: ["accuracy"] })).toThrow(ConfigError);
    // the optimizer state survived every rejected call: both runs continue identically
    net.fit(inputs, targets, { epochs: 2, optimizer });
    twin.fit(inputs, targets, { epochs: 2, optimizer: twinOptimizer });
    expect(flatWeights(net)).toEqual(flatWeights(twin));
  });

  it("refuses calls that would move memory while training", async () => {
    const { inputs, targets } = blobs(20, 11);
    const net = await classifier("wasm");
    const errors: unknown[] = [];
    net.fit(inputs, targets, {
      epochs: 1, batchSize: 4,
      onEpochEnd: () => {
        for (const f of [() => net.fit(inputs, targets), () => net.evaluate(inputs, targets), () => net.forward(new Float64Array(4 * 1000))]) {
          try { f(); } catch (e) { errors.push(e); }
        }
        expect(net.predict(inputs).rows).toBe(20); // reading is fine
      },
    });
    expect(errors).toHaveLength(3);
    for (const e of errors) expect(e).toBeInstanceOf(StateError);
  });

  it("takes a falsy onBatchEnd (say, verbose && log) as no callback, as it always has", async () => {
    const { inputs, targets } = blobs(20, 12);
    const [net, twin] = [await classifier("ts"), await classifier("ts")];
    const history = net.fit(inputs, targets, { epochs: 2, batchSize: 4, onBatchEnd: false as never });
    twin.fit(inputs, targets, { epochs: 2, batchSize: 4 });
    expect(history.stopReason).toBe("completed");
    expect(flatWeights(net)).toEqual(flatWeights(twin));
  });

  it("names an unknown backend before a bad batchCapacity (the backend is chosen first)", async () => {
    await expect(Network.create({ inputSize: 1, layers: [{ size: 1, activation: "identity" }], loss: "squaredError", backend: "gpu" as never, batchCapacity: 0 }))
      .rejects.toThrow(/unknown backend "gpu"/);
  });
});
