// wasmlp export / import: a model trained on a CSV leaves as ONNX that takes raw feature values
// (checked in onnxruntime against the library's own predictRecords), or as a safetensors
// state_dict; PyTorch's files come in and predict as PyTorch did.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-web";
import { describe, expect, it } from "vitest";
import { Network, predictRecords } from "../src/index.js";
import { ok, scratch, wasmlp } from "./cliRun.js";
import { expectClose, ROOT } from "./helpers.js";

const tmp = scratch("wasmlp-interop-");
async function onnx(path: string, rows: number[][]): Promise<number[]> {
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(path)));
  const result = await session.run({ input: new ort.Tensor("float64", Float64Array.from(rows.flat()), [rows.length, rows[0]!.length]) });
  return Array.from(result.output!.data as Float64Array);
}
const irisRows = readFileSync(join(ROOT, "data/iris.csv"), "utf8").trim().split(/\r?\n/).slice(1).map((l) => l.split(","));

describe("wasmlp export", () => {
  it("a classifier trained on numeric columns: the ONNX model takes raw values and gives predictRecords' probabilities", async () => {
    ok("train", "data/iris.csv", "--epochs", "30", "--out", tmp("iris.wasmlp"));
    const out = ok("export", tmp("iris.wasmlp"), "--out", tmp("iris.onnx"));
    expect(out).toContain("it takes raw values of sepal_length, sepal_width, petal_length, petal_width (standardised inside the graph; no blank cells: fill them first); it outputs the probabilities of setosa, versicolor, virginica");
    const raw = irisRows.map((r) => r.slice(0, 4).map(Number));
    const net = await Network.fromBinary(new Uint8Array(readFileSync(tmp("iris.wasmlp"))));
    const records = irisRows.map((r) => ({ sepal_length: r[0], sepal_width: r[1], petal_length: r[2], petal_width: r[3] }));
    expectClose(await onnx(tmp("iris.onnx"), raw), predictRecords(net, records).probabilities!.flat(), "ONNX on raw rows", 1e-12);
  });

  it("a regression: the graph maps its output back to the target's units", async () => {
    const rows = Array.from({ length: 120 }, (_, i) => [i % 10, (i * 7) % 13, 50 + 3 * (i % 10) - 2 * ((i * 7) % 13)]);
    writeFileSync(tmp("lin.csv"), "a,b,y\n" + rows.map((r) => r.join(",")).join("\n") + "\n");
    ok("train", tmp("lin.csv"), "--epochs", "20", "--out", tmp("lin.json"));
    expect(ok("export", tmp("lin.json"), "--out", tmp("lin.onnx"))).toContain("it outputs 'y' in its units");
    const net = await Network.fromJSON(readFileSync(tmp("lin.json"), "utf8"));
    const x = rows.slice(0, 10).map((r) => r.slice(0, 2));
    expectClose(await onnx(tmp("lin.onnx"), x), predictRecords(net, x.map(([a, b]) => ({ a, b }))).predictions as number[], "ONNX regression", 1e-12);
  });

  it("a model with category columns says what its ONNX model takes; safetensors and float32 on request", () => {
    writeFileSync(tmp("cat.csv"), "colour,x,label\n" + Array.from({ length: 60 }, (_, i) => `${["red", "green", "blue"][i % 3]},${i % 7},${i % 3 === 0 ? "yes" : "no"}`).join("\n") + "\n");
    ok("train", tmp("cat.csv"), "--epochs", "2", "--out", tmp("cat.wasmlp"));
    expect(ok("export", tmp("cat.wasmlp"))).toMatch(/it takes the 4 prepared inputs \(colour=blue, colour=green, colour=red, x\): category and missing-indicator columns are prepared outside the graph/);
    expect(ok("export", tmp("cat.wasmlp"), "--format", "safetensors")).toContain("it takes an nn.Sequential state_dict (Linear(32) + relu, Linear(2) + softmax)");
    expect(ok("export", tmp("cat.wasmlp"), "--float32", "--out", tmp("cat32.onnx"))).toContain("(onnx, float32,");
    expect(wasmlp("export", tmp("cat.wasmlp"), "--format", "safetensors", "--float32").stderr.trim()).toBe("error: --float32 is for --format onnx; safetensors files are written in float64");
  });
});

describe("wasmlp import", () => {
  it("reads PyTorch's ONNX and safetensors files; the imported models predict as PyTorch did", async () => {
    const fixture = JSON.parse(readFileSync(join(ROOT, "test/interop/torch-relu-tanh-leaky-identity.json"), "utf8")) as { input: number[][]; output: number[][] };
    expect(ok("import", "test/interop/torch-relu-tanh-leaky-identity.onnx", "--out", tmp("torch.wasmlp"))).toContain("3 → 5 relu → 4 tanh → 4 leakyRelu → 2 identity, loss squaredError, 74 parameters");
    const missing = wasmlp("import", "test/interop/torch-relu-tanh-leaky-identity.safetensors", "--out", tmp("st.json"));
    expect([missing.code, missing.stderr.trim()]).toEqual([2, "error: safetensors: the file names no activations (a state_dict holds none): give one per Linear layer (4), " +
      "e.g. activations: ['relu', 'relu', 'relu', 'softmax'] (wasmlp import: --activations relu,relu,relu,softmax)"]);
    ok("import", "test/interop/torch-relu-tanh-leaky-identity.safetensors", "--activations", "relu,tanh,leakyRelu,identity", "--out", tmp("st.json"));
    for (const model of [await Network.fromBinary(new Uint8Array(readFileSync(tmp("torch.wasmlp")))), await Network.fromJSON(readFileSync(tmp("st.json"), "utf8"))]) {
      expectClose(model.predict(fixture.input).data, fixture.output.flat(), "imported", 1e-12);
    }
    const conv = wasmlp("import", "data/iris.csv");
    expect([conv.code, conv.stderr.trim()]).toEqual([2, "error: data/iris.csv: import reads .onnx and .safetensors files"]);
    writeFileSync(tmp("broken.onnx"), readFileSync(join(ROOT, "test/interop/torch-3-4-2-sigmoid.onnx")).subarray(0, 200));
    expect(wasmlp("import", tmp("broken.onnx")).code).toBe(4);
  });
});
