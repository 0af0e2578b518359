// The playground's data sets: four 2-D classics generated from a seed, and the 8×8 digits of
// data/digits.csv. Inputs are flat row-major Float64Arrays, ready for fit() and trainInWorker().
import digitsUrl from "../data/digits.csv?url";

export type DataSetName = "circle" | "xor" | "spirals" | "blobs" | "digits";

/** One part of a data set: `rows` rows of `features` inputs, and a class label per row. */
export interface Split {
  rows: number;
  inputs: Float64Array;
  labels: Int32Array;
}

export interface DataSet {
  name: DataSetName;
  features: number;
  classes: number;
  featureNames: string[];
  classNames: string[];
  /** True for the 2-D sets, whose decision boundary can be drawn; their inputs lie in [-1.2, 1.2]². */
  planar: boolean;
  train: Split;
  test: Split;
}

export const DATASET_LABELS: Record<DataSetName, string> = {
  circle: "Circle",
  xor: "XOR",
  spirals: "Two spirals",
  blobs: "Gaussian blobs (3 classes)",
  digits: "Digits, 8×8 pixels (10 classes)",
};

const TRAIN_POINTS = 400;
const TEST_POINTS = 200;

/** Builds (or, for digits, downloads and parses) a data set. The same seed gives the same points. */
export async function loadDataSet(name: DataSetName, seed = 1): Promise<DataSet> {
  if (name === "digits") return loadDigits(seed);
  const random = new Random(seed);
  const generate = GENERATORS[name];
  const make = (rows: number): Split => {
    const inputs = new Float64Array(rows * 2), labels = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      const [x, y, label] = generate(random, i, rows);
      inputs[2 * i] = x; inputs[2 * i + 1] = y; labels[i] = label;
    }
    return { rows, inputs, labels };
  };
  const classes = name === "blobs" ? 3 : 2;
  return {
    name, features: 2, classes, planar: true,
    featureNames: ["x₁", "x₂"],
    classNames: Array.from({ length: classes }, (_, c) => `class ${c}`),
    train: make(TRAIN_POINTS), test: make(TEST_POINTS),
  };
}

/** One-hot targets (rows × classes), the form softmax and per-class sigmoid outputs learn. */
export function oneHot(split: Split, classes: number): Float64Array {
  const targets = new Float64Array(split.rows * classes);
  split.labels.forEach((label, i) => { targets[i * classes + label] = 1; });
  return targets;
}

/** The one-hot target of one label. */
export function target(label: number, classes: number): number[] {
  return Array.from({ length: classes }, (_, c) => (c === label ? 1 : 0));
}

/** Row `i` of a split as a plain array. */
export function row(split: Split, i: number): number[] {
  const features = split.inputs.length / split.rows;
  return Array.from(split.inputs.subarray(i * features, (i + 1) * features));
}

type Generator = (random: Random, i: number, rows: number) => [x: number, y: number, label: number];

const NOISE = 0.04;

const GENERATORS: Record<Exclude<DataSetName, "digits">, Generator> = {
  // Class 1 inside a disc, class 0 on a ring around it.
  circle(random, i) {
    const label = i % 2, angle = random.next() * 2 * Math.PI;
    const radius = label === 1 ? 0.45 * Math.sqrt(random.next()) : 0.65 + 0.35 * random.next();
    return [radius * Math.cos(angle) + random.normal(NOISE), radius * Math.sin(angle) + random.normal(NOISE), label];
  },
  // Class 1 where x₁ and x₂ have the same sign; a margin keeps the points off the axes.
  xor(random) {
    const away = (v: number) => v + (v > 0 ? 0.05 : -0.05);
    const x = away(random.uniform(0.95)), y = away(random.uniform(0.95));
    return [x + random.normal(NOISE), y + random.normal(NOISE), x * y > 0 ? 1 : 0];
  },
  // Two interleaved spirals, one and a half turns each.
  spirals(random, i, rows) {
    const label = i % 2, t = Math.floor(i / 2) / (rows / 2), angle = 3 * Math.PI * t + label * Math.PI;
    const radius = 0.05 + 0.95 * t;
    return [radius * Math.cos(angle) + random.normal(NOISE), radius * Math.sin(angle) + random.normal(NOISE), label];
  },
  // Three round Gaussian clouds.
  blobs(random, i) {
    const label = i % 3, angle = Math.PI / 2 + (label * 2 * Math.PI) / 3;
    return [0.55 * Math.cos(angle) + random.normal(0.2), 0.55 * Math.sin(angle) + random.normal(0.2), label];
  },
};

let digitsText: Promise<string> | undefined;

/** data/digits.csv: a header row, then 64 pixel counts (0–16) and the digit per row. Scaled to [0, 1]. */
async function loadDigits(seed: number): Promise<DataSet> {
  digitsText ??= fetch(digitsUrl).then((response) => {
    if (!response.ok) throw new Error(`could not load the digits (${response.status} ${response.statusText})`);
    return response.text();
  });
  const lines = (await digitsText).trim().split(/\r?\n/).slice(1);
  const values = lines.map((line) => line.split(",").map(Number));
  // A seeded shuffle, then 80 % for training and 20 % for testing.
  const random = new Random(seed);
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  const make = (part: number[][]): Split => {
    const inputs = new Float64Array(part.length * 64), labels = new Int32Array(part.length);
    part.forEach((v, i) => {
      for (let f = 0; f < 64; f++) inputs[i * 64 + f] = v[f]! / 16;
      labels[i] = v[64]!;
    });
    return { rows: part.length, inputs, labels };
  };
  const cut = Math.round(values.length * 0.8);
  return {
    name: "digits", features: 64, classes: 10, planar: false,
    featureNames: Array.from({ length: 64 }, (_, f) => `pixel ${f % 8},${Math.floor(f / 8)}`),
    classNames: Array.from({ length: 10 }, (_, c) => String(c)),
    train: make(values.slice(0, cut)), test: make(values.slice(cut)),
  };
}

/** mulberry32: a small seeded generator (the points need not match the library's own Random). */
class Random {
  private state: number;
  constructor(seed: number) { this.state = seed >>> 0; }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform in [-limit, limit). */
  uniform(limit: number): number { return (2 * this.next() - 1) * limit; }
  /** Gaussian with standard deviation `sigma` (Box–Muller). */
  normal(sigma: number): number {
    return sigma * Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
}
