// Which rows validationSplit holds out: stratified by class for classifiers (the shipped iris.csv
// is sorted by class, so the last rows would all be one class), a seeded sample otherwise, or the
// last rows on request — and fit() validates on exactly those rows.
import { describe, expect, it } from "vitest";
import { Network } from "../src/index.js";
import { heldOutRows } from "../src/training/split.js";
import { BACKENDS, expectClose, loadClassification } from "./helpers.js";

const iris = loadClassification("iris.csv");
const labels = iris.targets.map((t) => t.indexOf(1));

describe("heldOutRows", () => {
  it("stratified: each class in proportion (iris, 20 %: 10 of each 50), seeded, ascending", () => {
    const held = heldOutRows(150, 30, "stratified", 42, labels);
    expect(held).toHaveLength(30);
    expect([0, 1, 2].map((c) => held.filter((r) => labels[r] === c).length)).toEqual([10, 10, 10]);
    expect(held).toEqual([...held].sort((a, b) => a - b));
    expect(new Set(held).size).toBe(30);
    expect(heldOutRows(150, 30, "stratified", 42, labels)).toEqual(held);
    expect(heldOutRows(150, 30, "stratified", 43, labels)).not.toEqual(held);
  });

  it("stratified: quotas by largest remainder when the shares are not whole", () => {
    const uneven = [...Array(7).fill(0), ...Array(2).fill(1), ...Array(1).fill(2)]; // 10 rows, hold out 3
    const held = heldOutRows(10, 3, "stratified", 1, uneven);
    // shares 2.1, 0.6, 0.3 → 2, then the largest remainder (class 1) gets the last one
    expect([0, 1, 2].map((c) => held.filter((r) => uneven[r] === c).length)).toEqual([2, 1, 0]);
  });

  it("shuffled: a seeded sample; last: the last rows", () => {
    const held = heldOutRows(150, 30, "shuffled", 7);
    expect(new Set(held).size).toBe(30);
    expect(held.every((r) => r >= 0 && r < 150)).toBe(true);
    expect(held.some((r) => r < 100)).toBe(true);
    expect(heldOutRows(150, 30, "last", 7)).toEqual(Array.from({ length: 30 }, (_, i) => 120 + i));
  });
});

describe.each(BACKENDS)("fit's validationSplit on %s", (backend) => {
  it("validates on exactly the held-out rows (and trains on the others), by default stratified", async () => {
    const scaled = iris.inputs.map((r) => r.map((v) => v / 8));
    const create = () => Network.create({ inputSize: 4, seed: 9, backend, loss: "crossEntropy", layers: [{ size: 8, activation: "tanh" }, { size: 3, activation: "softmax" }] });
    const net = await create();
    const history = net.fit(scaled, iris.targets, { epochs: 1, batchSize: 8, validationSplit: 0.2, seed: 5, metrics: ["accuracy"], shuffle: false });
    const held = new Set(heldOutRows(150, 30, "stratified", 5, labels));
    const pick = <T>(rows: T[], keep: boolean) => rows.filter((_, r) => held.has(r) === keep);
    const evaluation = net.evaluate(pick(scaled, true), pick(iris.targets, true));
    expectClose([history.epochs[0]!.valLoss!], [evaluation.loss], "valLoss", 1e-12);
    // the training rows, in their order: the same epoch on them alone gives the same weights
    const twin = await create();
    twin.fit(pick(scaled, false), pick(iris.targets, false), { epochs: 1, batchSize: 8, shuffle: false });
    expect(twin.toJSON().layers).toEqual(net.toJSON().layers);
  });
});
