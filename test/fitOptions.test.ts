// fit()'s option checking on its own: resolveFitOptions is pure (options, architecture, where
// training stands → a plan or a ConfigError), so it is tested without any network or backend.
import { describe, expect, it } from "vitest";
import { MetricMode } from "../src/abi.js";
import type { Architecture } from "../src/architecture.js";
import { ConfigError } from "../src/errors.js";
import { resolveFitOptions, type TrainingState } from "../src/training/options.js";
import type { FitOptions } from "../src/training/types.js";

const softmax: Architecture = { inputSize: 2, layers: [{ size: 4, activation: "relu" }, { size: 3, activation: "softmax" }], loss: "crossEntropy" };
const sigmoid: Architecture = { inputSize: 2, layers: [{ size: 1, activation: "sigmoid" }], loss: "binaryCrossEntropy" };
const regression: Architecture = { inputSize: 2, layers: [{ size: 1, activation: "identity" }], loss: "squaredError" };
const fresh = (arch: Architecture = softmax, epochs = 0, seed: number | undefined = 7): TrainingState => ({ arch, epochs, seed });
const rejects = (options: unknown, message: RegExp, state = fresh()) => {
  expect(() => resolveFitOptions(options as FitOptions, state)).toThrow(ConfigError);
  expect(() => resolveFitOptions(options as FitOptions, state)).toThrow(message);
};

describe("resolveFitOptions", () => {
  it("fills in the defaults: 10 epochs of 32, shuffled with the network's seed, Adam at 0.001, no clipping", () => {
    const { learningRate, ...plan } = resolveFitOptions({}, fresh());
    expect(Array.from({ length: 10 }, (_, e) => learningRate(e))).toEqual(Array(10).fill(0.001));
    expect(plan).toEqual({
      epochs: 10, batchSize: 32, shuffle: true, seed: 7, clipNorm: 0,
      metricMode: MetricMode.none, yieldEveryMs: 10, validationRows: "stratified",
      optimizer: { type: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
    });
    expect(resolveFitOptions({}, { arch: softmax, epochs: 0, seed: undefined }).seed).toBe(0);
  });

  it("gives every epoch its rate from the schedule, counted over the network's life", () => {
    const plan = resolveFitOptions({ epochs: 3, optimizer: { type: "sgd", lr: 0.4 }, schedule: { type: "step", stepSize: 2, gamma: 0.5 } }, fresh(softmax, 3));
    expect([3, 4, 5].map(plan.learningRate)).toEqual([0.2, 0.1, 0.1]); // epochs 3, 4, 5 (0-based), computed when each begins
    expect(plan.optimizer).toEqual({ type: "sgd", lr: 0.4, momentum: 0, nesterov: false, weightDecay: 0 });
    rejects({ epochs: 3, schedule: () => 0 }, /learning rate of epoch 6 would be 0/, fresh(softmax, 5));
    rejects({ schedule: { type: "cosine", period: 4 }, epochs: 5 }, /epoch 5 would be 0; .*set minLr > 0/);
  });

  it("counts accuracy the one way the output allows, and adds it when early stopping watches it", () => {
    expect(resolveFitOptions({ metrics: ["accuracy"] }, fresh(softmax)).metricMode).toBe(MetricMode.argmax);
    expect(resolveFitOptions({ metrics: ["accuracy"] }, fresh(sigmoid)).metricMode).toBe(MetricMode.threshold);
    expect(resolveFitOptions({ earlyStopping: { monitor: "accuracy" } }, fresh(sigmoid)).metricMode).toBe(MetricMode.threshold);
    rejects({ metrics: ["accuracy"] }, /'accuracy' needs a classifier output .* one 'identity' unit/, fresh(regression));
    rejects({ metrics: ["precision"] }, /unknown metric "precision"; expected 'accuracy'/);
  });

  it("resolves early stopping: valLoss when there is validation data, else loss; patience 5; best weights back", () => {
    expect(resolveFitOptions({ earlyStopping: {}, validationSplit: 0.2 }, fresh()).earlyStopping)
      .toEqual({ monitor: "valLoss", patience: 5, minDelta: 0, restoreBestWeights: true });
    expect(resolveFitOptions({ earlyStopping: { patience: 2, restoreBestWeights: false } }, fresh()).earlyStopping)
      .toEqual({ monitor: "loss", patience: 2, minDelta: 0, restoreBestWeights: false });
    expect(resolveFitOptions({}, fresh()).earlyStopping).toBeUndefined();
    rejects({ earlyStopping: { monitor: "valAccuracy" } }, /'valAccuracy' needs validationSplit or validationData/);
    rejects({ earlyStopping: { monitor: "f1" } }, /earlyStopping.monitor must be/);
    rejects({ earlyStopping: { patience: 0 } }, /earlyStopping.patience must be a positive integer, got 0/);
    rejects({ earlyStopping: { minDelta: -1 } }, /earlyStopping.minDelta must be a number ≥ 0, got -1/);
  });

  it("names the first bad option", () => {
    rejects(null, /fit: options must be an object/);
    rejects({ epochs: 1.5 }, /epochs must be a positive integer, got 1.5/);
    rejects({ batchSize: 0 }, /batchSize must be a positive integer, got 0/);
    rejects({ seed: 0.5 }, /seed must be an integer, got 0.5/);
    rejects({ clipNorm: Infinity }, /clipNorm must be a positive number, got Infinity/);
    rejects({ validationSplit: 1 }, /validationSplit must be in \(0, 1\), got 1/);
    rejects({ validationSplit: 0.1, validationData: { inputs: [], targets: [] } }, /give validationSplit or validationData, not both/);
    rejects({ yieldEveryMs: -1 }, /yieldEveryMs must be a number ≥ 0, got -1/);
    rejects({ validationRows: "last" }, /validationRows says which rows validationSplit holds out: give validationSplit too/);
    rejects({ validationSplit: 0.2, validationRows: "first" as never }, /validationRows must be 'stratified', 'shuffled' or 'last', got "first"/);
    rejects({ validationSplit: 0.2, validationRows: "stratified" }, /'stratified' needs a classifier output/, fresh(regression));
    expect(resolveFitOptions({ validationSplit: 0.2 }, fresh(regression)).validationRows).toBe("shuffled");
    rejects({ optimizer: { type: "rmsprop" } }, /optimizer.type must be 'sgd' or 'adam', got "rmsprop"/);
    rejects({ optimizer: { type: "sgd", lr: -1 } }, /SGD lr must be a positive number, got -1/);
  });
});
