// The benchmark workloads of issue 4, shared by bench/index.ts (wasmlp, both backends) and
// bench/peers.ts (other libraries), so that every library trains exactly the same problem.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { Random } from "../src/random.js";
import type { Activation, Loss } from "../src/index.js";

export interface Workload {
  name: string;
  description: string;
  inputSize: number;
  layers: { size: number; activation: Activation }[];
  loss: Loss;
  optimizer: "sgd" | "adam";
  lr: number;
  batchSize: number;
  /** Training rows: one benchmark iteration is one epoch over them. */
  inputs: Float64Array;
  targets: Float64Array;
  rows: number;
}

/** Floating-point operations to train one sample (forward, node errors, gradients; the update is per batch and not counted). */
export function flopsPerSample(w: Workload): number {
  let fanIn = w.inputSize, flops = 0;
  w.layers.forEach((layer, l) => {
    const macs = fanIn * layer.size;
    flops += 2 * macs; //                   forward Z = A·Wᵀ
    flops += 2 * macs; //                   gradient dW = Dᵀ·A
    if (l > 0) flops += 2 * macs; //         node errors E = D·W (none needed for the inputs)
    fanIn = layer.size;
  });
  return flops;
}

function synthetic(rows: number, inputSize: number, classes: number, seed: number) {
  const random = new Random(seed);
  const inputs = new Float64Array(rows * inputSize).map(() => random.next());
  const targets = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) targets[r * classes + (r % classes)] = 1;
  return { inputs, targets };
}

function digits() {
  // bench/ when run from source, dist-bench/bench/ when compiled: the package's data/ is one or two up
  const candidates = ["../data/digits.csv", "../../data/digits.csv"].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const path = candidates.find((p) => existsSync(p)) ?? candidates[0]!;
  const text = readFileSync(path, "utf8");
  const records: string[][] = parse(text, { from_line: 2 });
  const inputs = new Float64Array(records.length * 64);
  const targets = new Float64Array(records.length * 10);
  records.forEach((r, i) => {
    for (let k = 0; k < 64; k++) inputs[i * 64 + k] = Number(r[k]) / 16;
    targets[i * 10 + Number(r[64])] = 1;
  });
  return { inputs, targets, rows: records.length };
}

export function workloads(): Workload[] {
  const seedData = synthetic(1000, 3, 2, 1);
  const d = digits();
  const mnist = synthetic(2048, 784, 10, 2);
  const wide = synthetic(1024, 784, 10, 3);
  return [
    {
      name: "seed", description: "3-4-2 sigmoid, squared error, SGD, batch 1",
      inputSize: 3, layers: [{ size: 4, activation: "sigmoid" }, { size: 2, activation: "sigmoid" }],
      loss: "squaredError", optimizer: "sgd", lr: 0.5, batchSize: 1, ...seedData, rows: 1000,
    },
    {
      name: "digits-online", description: "64-32-10 sigmoid, squared error, SGD, batch 1 (digits.csv)",
      inputSize: 64, layers: [{ size: 32, activation: "sigmoid" }, { size: 10, activation: "sigmoid" }],
      loss: "squaredError", optimizer: "sgd", lr: 0.1, batchSize: 1, ...d,
    },
    {
      name: "mnist-mb32", description: "784-128-10 relu + softmax cross-entropy, SGD, batch 32",
      inputSize: 784, layers: [{ size: 128, activation: "relu" }, { size: 10, activation: "softmax" }],
      loss: "crossEntropy", optimizer: "sgd", lr: 0.05, batchSize: 32, ...mnist, rows: 2048,
    },
    {
      name: "wide-mb128", description: "784-512-512-10 relu + softmax cross-entropy, SGD, batch 128",
      inputSize: 784, layers: [{ size: 512, activation: "relu" }, { size: 512, activation: "relu" }, { size: 10, activation: "softmax" }],
      loss: "crossEntropy", optimizer: "sgd", lr: 0.05, batchSize: 128, ...wide, rows: 1024,
    },
  ];
}
