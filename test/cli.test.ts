// The wasmlp command line, run as a user runs it: `node dist/cli.js …` in a subprocess from the
// repository root (npm test builds dist first). Outputs go to a temporary directory.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseCsv } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { ok, scratch, wasmlp } from "./cliRun.js";
import { Random } from "../src/random.js";
import { expectClose, type GoldenCase } from "./helpers.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const tmp = scratch("wasmlp-cli-");

const writeCsv = (name: string, text: string) => { writeFileSync(tmp(name), text); return tmp(name); };
const csvRows = (path: string): string[][] => parseCsv(readFileSync(path, "utf8"), { from_line: 2 });
const percentAfter = (text: string, label: string) => Number(new RegExp(`${label}: ([\\d.]+) %`).exec(text)?.[1]);
const numberAfter = (text: string, label: string) => Number(new RegExp(`${label}: ([-\\d.e]+)`).exec(text)?.[1]);

describe("wasmlp train → predict → evaluate", () => {
  it("digits: ≥ 95 % test accuracy, progress lines per epoch, predictions and evaluation agree", () => {
    const model = tmp("digits.wasmlp");
    const out = ok("train", "data/digits.csv", "--layers", "32", "--epochs", "30", "--out", model);
    expect(out).toContain("classification into 10 classes");
    const epochs = out.split("\n").filter((l) => /^epoch \d+\/30 {2}loss [\d.e-]+ {2}val accuracy [\d.]+ % {2}[\d,]+ samples\/s {2}ETA /.test(l));
    expect(epochs).toHaveLength(30); // stdout is a pipe here: one plain line per epoch
    expect(percentAfter(out, "test accuracy")).toBeGreaterThanOrEqual(95);
    expect(out).toMatch(/confusion matrix of 'digit'/);
    expect(out).toContain(`model saved to ${model}`);

    const predictions = tmp("digits-predictions.csv");
    expect(ok("predict", model, "data/digits.csv", "--out", predictions)).toContain(`wrote 1,797 predictions to ${predictions}`);
    const predicted = csvRows(predictions).map((r) => r[0]);
    const labels = csvRows(join(ROOT, "data/digits.csv")).map((r) => r.at(-1));
    const right = predicted.filter((p, i) => p === labels[i]).length;
    expect(right / labels.length).toBeGreaterThanOrEqual(0.95);

    const evaluation = ok("evaluate", model, "data/digits.csv");
    expect(percentAfter(evaluation, "accuracy")).toBeCloseTo((100 * right) / labels.length, 1);
    expect(evaluation).toMatch(/loss \(crossEntropy\): [\d.]+/);
    expect(evaluation.match(/^ +\d │( +\d+){10}$/gm)).toHaveLength(10); // one confusion-matrix row per digit
  });

  it("iris: JSON model, probabilities on stdout, features found by name in any order, target column optional", () => {
    const model = tmp("iris.json");
    const out = ok("train", "data/iris.csv", "--epochs", "200", "--out", model);
    expect(percentAfter(out, "test accuracy")).toBeGreaterThanOrEqual(85); // 30 test rows: each one is 3.3 %
    expect(percentAfter(ok("evaluate", model, "data/iris.csv"), "accuracy")).toBeGreaterThanOrEqual(95);
    const early = ok("train", "data/iris.csv", "--epochs", "1000", "--early-stop", "5", "--out", tmp("iris-early.json"));
    const [, epochs, best] = /training: (\d+) epochs in .*; early stopping kept the weights of epoch (\d+), the best validation loss/.exec(early)!;
    expect(Number(epochs)).toBeLessThan(1000);
    expect(Number(best)).toBe(Number(epochs) - 5);

    const withProbabilities = csvRows(writeCsv("iris-p.csv", ok("predict", model, "data/iris.csv", "--probabilities")));
    expect(ok("predict", model, "data/iris.csv", "--probabilities").split("\n")[0]).toBe("species,p_setosa,p_versicolor,p_virginica");
    for (const [label, ...p] of withProbabilities) {
      const probabilities = p.map(Number);
      expect(probabilities.reduce((a, b) => a + b)).toBeCloseTo(1, 4);
      expect(label).toBe(["setosa", "versicolor", "virginica"][probabilities.indexOf(Math.max(...probabilities))]);
    }
    // The same rows with the columns shuffled and no target column give the same predictions.
    const iris = csvRows(join(ROOT, "data/iris.csv"));
    const unlabelled = writeCsv("iris-unlabelled.csv", ["petal_width,sepal_length,petal_length,sepal_width", ...iris.map((r) => [r[3], r[0], r[2], r[1]].join(","))].join("\n"));
    expect(ok("predict", model, unlabelled).split("\n").slice(1)).toEqual(ok("predict", model, "data/iris.csv").split("\n").slice(1));
  });

  it("regression (y = 3a − 2b + noise): standardised target, RMSE in target units, values predicted", () => {
    const random = new Random(5);
    const rows = Array.from({ length: 500 }, () => {
      const a = random.uniform(2), b = random.uniform(2);
      return [a, b, 3 * a - 2 * b + random.uniform(0.05)];
    });
    const data = writeCsv("linear.csv", ["a,b,y", ...rows.map((r) => r.join(","))].join("\n") + "\n");
    const model = tmp("linear.wasmlp");
    const out = ok("train", data, "--epochs", "200", "--out", model);
    expect(out).toContain("target 'y': regression");
    expect(out).toMatch(/epoch 200\/200 .*val RMSE [\d.e-]+/);
    expect(numberAfter(out, "test RMSE")).toBeLessThan(0.15); // y spans about ±10, its std is about 4.2
    expect(numberAfter(ok("evaluate", model, data), "RMSE")).toBeLessThan(0.15);

    const predicted = ok("predict", model, data).trim().split("\n");
    expect(predicted[0]).toBe("y");
    const errors = predicted.slice(1).map((v, i) => Number(v) - rows[i]![2]!);
    expect(Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length)).toBeLessThan(0.15);

    expect(ok("inspect", model)).toMatch(/task: regression of 'y'/);
    const proba = wasmlp("predict", model, data, "--probabilities");
    expect([proba.code, proba.stderr.trim()]).toEqual([2, "error: --probabilities needs a classification model; this one predicts values"]);
  });

  it("few distinct integers make classes, --task overrides; BOM, CRLF and quoted fields are read", () => {
    const random = new Random(9);
    const rows = Array.from({ length: 120 }, (_, i) => [random.uniform(1) + (i % 2 ? 2 : -2), random.uniform(1), i % 2]);
    const data = writeCsv("binary.csv", "\uFEFF\"x 1\",x2,\"class\"\r\n" + rows.map((r) => `${r[0]},"${r[1]}",${r[2]}`).join("\r\n") + "\r\n");
    const classes = ok("train", data, "--epochs", "20", "--out", tmp("binary.json"));
    expect(classes).toContain("120 rows, 2 feature columns → 2 inputs, target 'class': classification into 2 classes (0, 1)");
    expect(percentAfter(classes, "test accuracy")).toBeGreaterThanOrEqual(95);
    expect(ok("train", data, "--task", "regression", "--epochs", "2", "--out", tmp("binary-r.json"))).toContain("target 'class': regression");

    // class names with commas and quotes travel through model and predictions intact
    const named = writeCsv("named.csv", "x,label\r\n" + rows.map((r) => `${r[0]},${r[2] ? '"big, ""really"""' : "small"}`).join("\r\n"));
    ok("train", named, "--epochs", "20", "--out", tmp("named.wasmlp"));
    const predictions = ok("predict", tmp("named.wasmlp"), named);
    expect(csvRows(writeCsv("named-p.csv", predictions)).map((r) => r[0])).toContain('big, "really"');
  });
});

describe("wasmlp inspect", () => {
  it("shows architecture, parameters, loss, training record, classes and features", () => {
    const model = tmp("iris-inspect.wasmlp");
    ok("train", "data/iris.csv", "--layers", "8,6", "--activation", "tanh", "--epochs", "7", "--seed", "11", "--out", model);
    const out = ok("inspect", model);
    for (const line of [
      "architecture: 4 → 8 tanh → 6 tanh → 3 softmax",
      "layer 1: 8 tanh units, 8×4 weights + 8 biases = 40 parameters",
      "parameters: 115",
      "loss: crossEntropy",
      "epochs trained: 7",
      "seed: 11",
      "task: classification of 'species'",
      "classes (3): setosa, versicolor, virginica",
      "columns (4, prepared with the training rows' statistics → 4 inputs):",
      "  sepal_length: numeric, mean ",
      "  petal_width: numeric, mean ",
      "training data: iris.csv, 150 rows: 96 training, 24 validation, 30 test",
    ]) expect(out).toContain(line);
    expect(out).toMatch(/test accuracy: [\d.]+ %/);
  });

  it("reads models without training metadata too", () => {
    const plain = writeCsv("plain-inspect.json", JSON.stringify(JSON.parse(readFileSync(join(ROOT, "test/golden/softmax-ce-adam.json"), "utf8")).model));
    const out = ok("inspect", plain);
    expect(out).toContain("architecture: 4 → 7 relu → 5 softmax");
    expect(out).toContain("parameters: 75");
    expect(out).toContain("task: unknown (no 'wasmlp train' metadata)");
  });
});

describe("bad input: a one-line message with line and column, and a documented exit code", () => {
  // b holds numbers but for one 'z' (a typo, not a category); eight good rows follow the bad ones
  const data = () => writeCsv("bad.csv", "a,b,label\n1,2,x\n3,4\n5,z,y\n6,7,\n8,9,x\n1,1,y\n2,2,x,9\n" + "2,3,y\n3,4,x\n4,5,y\n5,6,x\n6,7,y\n7,8,x\n8,9,y\n9,1,x\n");
  let irisModel: string | undefined;
  const iris = () => {
    if (irisModel === undefined) ok("train", "data/iris.csv", "--epochs", "40", "--out", (irisModel = tmp("iris-bad.wasmlp")));
    return irisModel;
  };
  const plainModel = () => writeCsv("plain.json", JSON.stringify(JSON.parse(readFileSync(join(ROOT, "test/golden/softmax-ce-adam.json"), "utf8")).model));

  const cases: [string, () => string[], number, RegExp][] = [
    ["too few values", () => ["train", data()], 3, /^error: \S+bad\.csv, line 3, column 'label': the value is missing \(the row has 2 values, the header 3 columns\)$/],
    ["a non-numeric cell in a numeric column", () => ["train", writeCsv("bad-feature.csv", "a,b,label\n" + Array.from({ length: 12 }, (_, i) => `${i},${i === 2 ? "z" : i * 2},${i % 2 ? "x" : "y"}`).join("\n"))], 3,
      /line 4, column 'b': 'z' is not a number$/],
    ["a thousands separator", () => ["train", writeCsv("bad-thousands.csv", "a,label\n" + Array.from({ length: 12 }, (_, i) => `${i === 5 ? '"1,040"' : i},${i % 2 ? "x" : "y"}`).join("\n"))], 3,
      /line 7, column 'a': '1,040' is not a number \(a thousands separator\? write 1040\)$/],
    ["a --features column that does not exist", () => ["train", "data/iris.csv", "--features", "sepal_length,colour"], 2, /^error: features: no column named 'colour'/],
    ["a missing target", () => ["train", writeCsv("bad-target.csv", "a,b,label\n1,2,x\n6,7,\n")], 3, /line 3, column 'label': the target value is missing$/],
    ["too many values", () => ["train", writeCsv("bad-wide.csv", "a,b,label\n1,2,x\n2,2,x,9\n")], 3, /line 3: 4 values but the header has 3 columns \(extra values after the last column 'label'\)$/],
    ["an unknown --target column", () => ["train", "data/iris.csv", "--target", "colour"], 3, /data\/iris\.csv, line 1: no target column named 'colour' \(the columns are sepal_length, sepal_width, petal_length, petal_width, species\)$/],
    ["malformed quoting", () => ["train", writeCsv("bad-quote.csv", 'a,label\n1,x\n2,"y"z\n')], 3, /line 3: Invalid Closing Quote/],
    ["a regression target that is not a number", () => ["train", writeCsv("bad-reg.csv", "a,y\n1,2.5\n2,3.5\n3,big\n"), "--task", "regression"], 3, /line 4, column 'y': 'big' is not a number \(the task is regression\)$/],
    ["a missing data file", () => ["train", tmp("nowhere.csv")], 3, /^error: cannot read data file \S+nowhere\.csv: no such file or directory$/],
    ["an unknown class at predict time", () => ["predict", iris(), writeCsv("rose.csv", "sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n4.9,3,1.4,0.2,rose\n")], 3, /rose\.csv, line 3, column 'species': unknown class 'rose' \(the model knows setosa, versicolor, virginica\)$/],
    ["a missing feature column at predict time", () => ["predict", iris(), writeCsv("narrow.csv", "sepal_length,sepal_width,petal_width\n5.1,3.5,0.2\n")], 3, /narrow\.csv, line 1: no feature column named 'petal_length'/],
    ["no target column to evaluate", () => ["evaluate", iris(), writeCsv("unlabelled.csv", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n")], 3, /unlabelled\.csv, line 1: no target column named 'species'/],
    ["a missing model file", () => ["predict", tmp("nothing.wasmlp"), "data/iris.csv"], 4, /^error: cannot read model file \S+nothing\.wasmlp: no such file or directory$/],
    ["a file that is not a model", () => ["evaluate", "data/iris.csv", "data/iris.csv"], 4, /^error: data\/iris\.csv: binary model: wrong magic bytes/],
    ["a model without training metadata", () => ["predict", plainModel(), "data/iris.csv"], 4, /plain\.json: the model has no training metadata \(columns, scaling, task\); predict and evaluate need a model made by 'wasmlp train'$/],
    ["an invalid option value", () => ["train", "data/iris.csv", "--epochs", "ten"], 2, /^error: option '--epochs <n>' argument 'ten' is invalid\. expected a positive integer up to 4294967295 \(what a model file can count\)\.$/],
    ["an invalid layer list", () => ["train", "data/iris.csv", "--layers", "32,x"], 2, /'x' is not a layer size/],
    ["an unknown option", () => ["train", "data/iris.csv", "--epoch", "3"], 2, /^error: unknown option '--epoch'/],
    ["a missing argument", () => ["predict", "model.wasmlp"], 2, /^error: missing required argument 'data\.csv'$/],
    ["a loss that does not fit the task", () => ["train", writeCsv("reg-loss.csv", "a,y\n1,2.5\n2,3.5\n3,4.25\n"), "--task", "regression", "--loss", "crossEntropy"], 2, /--loss crossEntropy is for classification/],
  ];

  it.each(cases)("%s", (_name, args, code, message) => {
    const r = wasmlp(...args());
    expect(r.code).toBe(code);
    expect(r.stderr.trimEnd().split("\n")[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    if (code !== 2) expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("--skip-bad-rows skips them, says how many, and uses the rest", () => {
    const r = wasmlp("train", data(), "--skip-bad-rows", "--test-split", "0", "--val-split", "0", "--epochs", "2", "--out", tmp("skipped.json"));
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toMatch(/^warning: skipped 4 bad rows \(first: \S+bad\.csv, line 3, column 'label': the value is missing/);
    expect(r.stderr).toContain("4 bad rows");
    expect(r.stdout).toContain("11 rows, 2 feature columns → 2 inputs, target 'label'");
    expect(ok("inspect", tmp("skipped.json"))).toContain("11 rows: 11 training, 0 validation, 0 test, 4 bad rows skipped");

    const rose = writeCsv("roses.csv", "sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n4.9,3,1.4,0.2,rose\n6.3,3.3,6.0,2.5,\n4.9,x,1.4,0.2,setosa\n");
    const p = wasmlp("predict", iris(), rose, "--skip-bad-rows");
    expect(p.code).toBe(0);
    expect(p.stderr.trim()).toMatch(/^warning: skipped 2 bad rows \(first: \S+roses\.csv, line 3, column 'species': unknown class 'rose'/);
    expect(p.stdout.trim().split("\n")).toEqual(["species", "setosa", "virginica"]); // an empty target is just unlabelled
  });
});

describe("wasmlp explain", () => {
  /** The numbers in brackets after `label` (on its line, then on the matrix lines below it). */
  function bracketed(out: string, label: string): number[] {
    const lines = out.split("\n");
    const i = lines.findIndex((l) => l.trimStart().startsWith(label));
    expect(i, `no line starts with '${label}'`).toBeGreaterThanOrEqual(0);
    const text = [lines[i]!.slice(lines[i]!.indexOf(label) + label.length)];
    for (let j = i + 1; j < lines.length && lines[j]!.trimStart().startsWith("["); j++) text.push(lines[j]!);
    return [...text.join("\n").matchAll(/\[([^\]]*)\]/g)].flatMap((m) => m[1]!.split(",").map(Number));
  }
  const scalarAt = (out: string, label: string) => Number(/(-?[\d.]+(?:e[-+]?\d+)?)$/.exec(out.split("\n").find((l) => l.startsWith(label))!)![1]);
  const golden = (name: string) => JSON.parse(readFileSync(join(ROOT, "test/golden", name), "utf8")) as GoldenCase;
  const sup = (n: number) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[n]!;
  const REL = 1e-9;

  it("reproduces test/golden/seed-3-4-2.json: forward, node errors, deltas, gradients, the SGD step", () => {
    const g = golden("seed-3-4-2.json");
    const out = ok("explain", "--model", "test/golden/seed-3-4-2.json");
    expectClose(bracketed(out, "input   a⁰ = x ="), g.batch.inputs[0]!, "x", REL);
    expectClose(bracketed(out, "target  y ="), g.batch.targets[0]!, "y", REL);
    expect(out).toContain("learning rate  η = 0.5");
    for (let l = 1; l <= 2; l++) {
      const s = sup(l), i = l - 1;
      expectClose(bracketed(out, `z${s} =`), g.forward.z[i]![0]!, `z${s}`, REL);
      expectClose(bracketed(out, `a${s} =`), g.forward.a[i]![0]!, `a${s}`, REL);
      expectClose(bracketed(out, `e${s} =`), g.nodeErrors[i]![0]!, `e${s}`, REL);
      expectClose(bracketed(out, `δ${s} =`), g.deltas[i]![0]!, `δ${s}`, REL);
      expectClose(bracketed(out, `∂E/∂W${s} =`), g.gradients[i]!.weights, `∂E/∂W${s}`, REL);
      expectClose(bracketed(out, `∂E/∂b${s} =`), g.gradients[i]!.biases, `∂E/∂b${s}`, REL);
      expectClose(bracketed(out, `W${s} (`), g.model.layers[i].weights, `W${s}`, REL);
      expectClose(bracketed(out, `new W${s} =`), g.steps[0]!.layers[i]!.weights, `new W${s}`, REL);
      expectClose(bracketed(out, `new b${s} =`), g.steps[0]!.layers[i]!.biases, `new b${s}`, REL);
    }
    expectClose([scalarAt(out, "loss  E =")], [g.loss], "loss", REL);
    expect(out).toContain("e² = ∂E/∂a² = a² − y =");
    expect(out).toContain("e¹ = W²ᵀ δ² = W²ᵀ (e² ⊙ f'(z²)) =");
    expect(out).toContain("∂E/∂W¹ = δ¹ a⁰ᵀ (4×3) =");
  });

  it.each(["wasm-fma", "ts"])("gives the same lesson on --backend %s (wasm-fma: the CLI switches Node 20's relaxed SIMD on itself)", (backend) => {
    const g = golden("seed-3-4-2.json");
    const out = ok("explain", "--model", "test/golden/seed-3-4-2.json", "--backend", backend);
    for (let l = 1; l <= 2; l++) {
      const s = sup(l), i = l - 1;
      expectClose(bracketed(out, `e${s} =`), g.nodeErrors[i]![0]!, `e${s}`, REL);
      expectClose(bracketed(out, `∂E/∂W${s} =`), g.gradients[i]!.weights, `∂E/∂W${s}`, REL);
      expectClose(bracketed(out, `new W${s} =`), g.steps[0]!.layers[i]!.weights, `new W${s}`, REL);
    }
  });

  it("takes the first example of a batch case, and --input/--target-values/--lr override it", () => {
    const g = golden("seed-3-4-2-batch4.json");
    const out = ok("explain", "--model", "test/golden/seed-3-4-2-batch4.json");
    for (let l = 1; l <= 2; l++) {
      const s = sup(l);
      expectClose(bracketed(out, `a${s} =`), g.forward.a[l - 1]![0]!, `a${s}`, REL);
      expectClose(bracketed(out, `e${s} =`), g.nodeErrors[l - 1]![0]!, `e${s}`, REL); // per sample: the same as in the batch
    }
    const moved = ok("explain", "--model", "test/golden/seed-3-4-2.json", "--input", "0.1,0.2,0.3", "--target-values", "1,0", "--lr", "0.25");
    expect(bracketed(moved, "input   a⁰ = x =")).toEqual([0.1, 0.2, 0.3]);
    expect(moved).toContain("learning rate  η = 0.25");
  });

  it("runs the seed article's example shipped in the package without a model, and asks for an example when a model has none", () => {
    const g = golden("seed-3-4-2.json");
    const out = ok("explain");
    expect(out).toContain("network: 3 → 4 sigmoid → 2 sigmoid, loss squaredError: E = ½ Σ (a² − y)²");
    expect(out).toContain("learning rate  η = 0.5");
    expectClose(bracketed(out, "input   a⁰ = x ="), g.batch.inputs[0]!, "x", REL);
    for (let l = 1; l <= 2; l++) {
      const s = sup(l), i = l - 1;
      expectClose(bracketed(out, `e${s} =`), g.nodeErrors[i]![0]!, `e${s}`, REL);
      expectClose(bracketed(out, `new W${s} =`), g.steps[0]!.layers[i]!.weights, `new W${s}`, REL);
    }
    const [before, after] = [scalarAt(out, "loss  E ="), Number(/loss after the step: ([\d.e-]+)/.exec(out)![1])];
    expect(after).toBeLessThan(before);

    const model = tmp("explain-iris.json");
    ok("train", "data/iris.csv", "--epochs", "2", "--out", model);
    const r = wasmlp("explain", "--model", model);
    expect([r.code, r.stderr.trim()]).toEqual([2, "error: this model has no example: give --input (4 values: sepal_length, sepal_width, petal_length, petal_width) " +
      "and --target-values (one class name (setosa, versicolor, virginica))"]);
    const softmax = ok("explain", "--model", model, "--input", "0.1,0.2,0.3,0.4", "--target-values", "0,1,0");
    expect(softmax).toContain("δ² = ∂E/∂z² = a² Σy − y   (softmax and cross-entropy together) =");
  });

  it("explains a trained model on raw values with its saved scaling, exactly as predict sees them, and takes a class name as the target", () => {
    const model = tmp("explain-scaled.wasmlp");
    ok("train", "data/iris.csv", "--epochs", "30", "--seed", "3", "--out", model);
    const row = "5.1,3.5,1.4,0.2";
    const out = ok("explain", "--model", model, "--input", row, "--target-values", "setosa");
    const [p] = csvRows(writeCsv("explain-row.csv", ok("predict", model, writeCsv("explain-one.csv", `sepal_length,sepal_width,petal_length,petal_width\n${row}\n`), "--probabilities")));
    expectClose(bracketed(out, "a² = softmax(z²) ="), p!.slice(1).map(Number), "output = predict's probabilities (printed to 6 digits)", 1e-5);
    expect(out).toContain("target  y = [1, 0, 0]   (class 'setosa')");
    expect(out).toContain("input   x = 5.1, 3.5, 1.4, 0.2   (sepal_length, sepal_width, petal_length, petal_width)");
    expect(out).toContain("(prepared as in training: sepal_length, sepal_width, petal_length, petal_width)");
    const r = wasmlp("explain", "--model", model, "--input", row, "--target-values", "rose");
    expect([r.code, r.stderr.trim()]).toEqual([2, "error: --target-values: 'rose' is not one class name (setosa, versicolor, virginica) or 3 numbers"]);
  });
});
