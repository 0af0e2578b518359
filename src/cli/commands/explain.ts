// wasmlp explain: back-propagation on one example, every number printed beside its formula — the
// forward pass, the node errors as they travel back, the deltas, the gradients, and one SGD step.
// Everything shown is read from the library (forward, backward, nodeErrors, deltas, gradients,
// SGD), so the printout is the library's own arithmetic, checkable against the golden cases (test/golden).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ConfigError, ModelFormatError, Network, SGD, type BackendChoice } from "../../index.js";
import { clip } from "../../errors.js";
import { EXIT, fileProblem } from "../errors.js";
import { cliMetadata, type CliMetadata } from "../metadata.js";
import { encodeRecords, inputNames, notANumber, parseNumber } from "../../table/preparation.js";
import { architecture, names } from "../format.js";
import { loadModel } from "../model.js";
import { DERIVATIVE, LOSS_FORMULA, NumberFormat, OUTPUT_ERROR_FORMULA, outputDeltaFormula, sup } from "../explainText.js";

export interface ExplainOptions {
  model?: string;
  /** Comma-separated: numbers, or for a model made by `wasmlp train` one cell per column (categories as text). */
  input?: string;
  /** Numbers, or for a model made by `wasmlp train` on classes, one class name. */
  targetValues?: string;
  lr?: number;
  digits: number;
  backend: BackendChoice;
}

interface Lesson {
  net: Network;
  title: string;
  input?: number[];
  target?: number[];
  lr?: number;
}

/**
 * The seed article's example, shipped in the package as data/seed-3-4-2.json: 3 inputs → 4 sigmoid →
 * 2 sigmoid, squared error, one example, one SGD step at lr 0.5 (the golden case of the same name).
 */
const SEED_EXAMPLE = fileURLToPath(new URL("../../../data/seed-3-4-2.json", import.meta.url));

/** A model file, or a golden case (a JSON file with `model` and `batch`): then its first example and its lr. */
async function fromFile(path: string, backend: BackendChoice): Promise<Lesson> {
  let json: { model?: unknown; batch?: { inputs?: number[][]; targets?: number[][] }; optimizer?: { lr?: number } } | undefined;
  if (path.toLowerCase().endsWith(".json")) {
    try {
      json = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      throw error instanceof SyntaxError ? new ModelFormatError(`${path}: not valid JSON (${error.message})`) : fileProblem(error, `cannot read model file ${path}`, EXIT.model);
    }
  }
  if (json?.batch === undefined || json.model === undefined) return { net: await loadModel(path, backend), title: path };
  return {
    net: await Network.fromJSON(json.model, { backend }),
    title: `${path} (the model of a case with a batch: its first example)`,
    input: json.batch.inputs?.[0],
    target: json.batch.targets?.[0],
    lr: json.optimizer?.lr,
  };
}

export async function explain(options: ExplainOptions): Promise<void> {
  const lesson = options.model === undefined
    ? { ...(await fromFile(SEED_EXAMPLE, options.backend)), title: "the seed article's example (3 → 4 → 2 sigmoid, one SGD step)" }
    : await fromFile(options.model, options.backend);
  const { net } = lesson;
  // A model made by `wasmlp train` learned from standardised features (and, for regression, a
  // standardised target): the example is given in the data's own units and prepared the same way.
  const prepared = net.metadata.producer === "wasmlp train" ? cliMetadata(net, options.model ?? "model") : undefined;
  const columns = prepared?.preparation.columns.map((c) => c.name);
  const cells = options.input?.split(",").map((part) => part.trim());
  const y = options.targetValues === undefined ? lesson.target : targetFrom(options.targetValues, net, prepared);
  const lr = options.lr ?? lesson.lr ?? 0.5;
  if ((cells ?? lesson.input) === undefined || y === undefined) {
    const targets = prepared?.classes ? `one class name (${names(prepared.classes, 10)})` : `${net.outputSize} numbers`;
    const inputs = columns ? `${columns.length} values: ${names(columns, 10)}` : `${net.inputSize} numbers`;
    throw new ConfigError(`this model has no example: give --input (${inputs}) and --target-values (${targets})`);
  }
  if (y.length !== net.outputSize) throw new ConfigError(`--target-values: ${y.length} numbers, but the network has ${net.outputSize} outputs`);
  const x = cells === undefined ? lesson.input! : prepared ? preparedInput(cells, prepared) : numbersOf(cells, net.inputSize);

  const f = new NumberFormat(options.digits);
  const L = net.layers.length, s = sup, out: string[] = [];
  const fanIn = (l: number) => (l === 1 ? net.inputSize : net.layers[l - 2]!.size);
  const print = (line = "") => out.push(line);

  // Run it: one forward, one backward, then one SGD step; keep the numbers of every stage.
  const sgd = new SGD(net, { lr });
  sgd.zeroGrad();
  net.forward([x]);
  const loss = net.backward([y]);
  const layers = Array.from({ length: L }, (_, i) => {
    const l = i + 1;
    return {
      l, size: net.layers[i]!.size, activation: net.layers[i]!.activation,
      w: net.weights(l).data, b: net.biases(l),
      z: net.preActivations(l).row(0).slice(), a: net.activations(l).row(0).slice(),
      e: net.nodeErrors(l).row(0).slice(), d: net.deltas(l).row(0).slice(), g: net.gradients(l),
    };
  });
  const inputErrors = net.nodeErrors(0).row(0).slice();
  sgd.step();
  const after = layers.map(({ l }) => ({ w: net.weights(l).data, b: net.biases(l) }));
  const lossAfter = net.evaluate([x], [y], { metrics: [] }).loss;

  print(`Back-propagation, step by step, on ${lesson.title}`);
  print(`network: ${architecture(net)}, loss ${net.loss}: ${LOSS_FORMULA[net.loss](s(L))}`);
  if (prepared && cells) {
    print(`input   x = ${cells.join(", ")}   (${columns!.join(", ")})`);
    print(`        a⁰ = ${f.vector(x)}   (prepared as in training: ${inputNames(prepared.preparation).join(", ")})`);
  } else {
    print(`input   a⁰ = x = ${f.vector(x)}`);
  }
  print(`target  y = ${f.vector(y)}${targetNote(y, prepared)}`);
  print(`learning rate  η = ${lr}`);

  print();
  print(`1. FORWARD   z^l = W^l a^(l−1) + b^l,   a^l = f(z^l)`);
  for (const t of layers) {
    const l = s(t.l), prev = s(t.l - 1);
    print();
    print(`layer ${t.l}: ${t.size} ${t.activation} units`);
    print(`  W${l} (${t.size}×${fanIn(t.l)}, row j holds unit j's weights) =`);
    print(f.matrix(t.w, t.size, fanIn(t.l), "    "));
    print(`  b${l} = ${f.vector(t.b)}`);
    print(`  z${l} = W${l} a${prev} + b${l} = ${f.vector(t.z)}`);
    print(`  a${l} = ${t.activation}(z${l}) = ${f.vector(t.a)}`);
  }
  print();
  print(`loss  ${LOSS_FORMULA[net.loss](s(L))} = ${f.number(loss)}`);

  print();
  print(`2. BACKWARD   node errors e^l = ∂E/∂a^l travel from the output back to the input`);
  print(`   e^(l−1) = W^lᵀ (e^l ⊙ f'(z^l)) = W^lᵀ δ^l`);
  for (const t of [...layers].reverse()) {
    const l = s(t.l), next = s(t.l + 1);
    print();
    print(`layer ${t.l}${t.l === L ? " (output)" : ""}`);
    if (t.l === L) print(`  e${l} = ∂E/∂a${l} = ${OUTPUT_ERROR_FORMULA[net.loss](l)} = ${f.vector(t.e)}`);
    else print(`  e${l} = W${next}ᵀ δ${next} = W${next}ᵀ (e${next} ⊙ f'(z${next})) = ${f.vector(t.e)}`);
    const direct = t.l === L ? outputDeltaFormula(net.loss, t.activation, l) : undefined;
    if (direct !== undefined || t.activation === "softmax") {
      print(`  δ${l} = ∂E/∂z${l} = ${direct} = ${f.vector(t.d)}`);
    } else {
      const derivative = DERIVATIVE[t.activation];
      print(`  f'(z${l}) = ${derivative.formula(l)} = ${f.vector(Array.from(t.z, (z, j) => derivative.value(z, t.a[j]!)))}`);
      print(`  δ${l} = ∂E/∂z${l} = e${l} ⊙ f'(z${l}) = ${f.vector(t.d)}`);
    }
  }
  print();
  print(`inputs: e⁰ = W¹ᵀ δ¹ = ${f.vector(inputErrors)}`);

  print();
  print(`3. GRADIENTS   ∂E/∂W^l = δ^l a^(l−1)ᵀ,   ∂E/∂b^l = δ^l`);
  for (const t of layers) {
    const l = s(t.l), prev = s(t.l - 1);
    print();
    print(`layer ${t.l}`);
    print(`  ∂E/∂W${l} = δ${l} a${prev}ᵀ (${t.size}×${fanIn(t.l)}) =`);
    print(f.matrix(t.g.weights.data, t.size, fanIn(t.l), "    "));
    print(`  ∂E/∂b${l} = δ${l} = ${f.vector(t.g.biases)}`);
  }

  print();
  print(`4. ONE SGD STEP   W ← W − η ∂E/∂W,   b ← b − η ∂E/∂b   (η = ${lr})`);
  layers.forEach((t, i) => {
    const l = s(t.l);
    print();
    print(`layer ${t.l}`);
    print(`  new W${l} = W${l} − η ∂E/∂W${l} =`);
    print(f.matrix(after[i]!.w, t.size, fanIn(t.l), "    "));
    print(`  new b${l} = b${l} − η ∂E/∂b${l} = ${f.vector(after[i]!.b)}`);
  });
  print();
  print(`loss after the step: ${f.number(lossAfter)} (before: ${f.number(loss)})`);
  console.log(out.join("\n"));
  net.dispose();
}

/**
 * --target-values: numbers (in the data's units for a regression model made by `wasmlp train`,
 * standardised as in training), or one class name of a classification model (its one-hot row).
 */
function targetFrom(text: string, net: Network, meta: CliMetadata | undefined): number[] {
  const classIndex = meta?.classes?.indexOf(text.trim()) ?? -1;
  if (classIndex >= 0) return meta!.classes!.map((_, k) => (k === classIndex ? 1 : 0));
  const values = text.split(",").map((part) => parseNumber(part.trim()));
  if (values.some((v) => v === undefined)) {
    const expected = meta?.classes ? `one class name (${names(meta.classes, 10)}) or ${net.outputSize} numbers` : `${net.outputSize} numbers separated by commas`;
    throw new ConfigError(`--target-values: '${clip(text)}' is not ${expected}`);
  }
  const numbers = values as number[];
  const scaling = meta?.targetScaling;
  return scaling && numbers.length === 1 ? [(numbers[0]! - scaling.mean) / scaling.std] : numbers;
}

function targetNote(y: readonly number[], meta: CliMetadata | undefined): string {
  if (meta?.classes) {
    const k = y.indexOf(1);
    return k >= 0 && y.every((v, i) => v === (i === k ? 1 : 0)) ? `   (class '${meta.classes[k]}')` : "";
  }
  return meta?.targetScaling ? "   (standardised with the model's target scaling)" : "";
}

/** --input of a plain model: exactly inputSize numbers. */
function numbersOf(cells: string[], inputSize: number): number[] {
  if (cells.length !== inputSize) throw new ConfigError(`--input: ${cells.length} numbers, but the network has ${inputSize} inputs`);
  return cells.map((text) => parseNumber(text) ?? fail(`--input: ${notANumber(text)}`));
}

/** --input of a model made by `wasmlp train`: one cell per column, prepared with the model's own preparation. */
function preparedInput(cells: string[], meta: CliMetadata): number[] {
  const { columns } = meta.preparation;
  if (cells.length !== columns.length) {
    throw new ConfigError(`--input: ${cells.length} values, but the model reads ${columns.length} columns (${columns.map((c) => c.name).join(", ")})`);
  }
  const record = Object.fromEntries(columns.map((c, i) => [c.name, cells[i]]));
  const encoded = encodeRecords(meta.preparation, [record], { strict: true });
  const problem = encoded.problems[0];
  if (problem) throw new ConfigError(`--input: column '${problem.column}': ${problem.message}`);
  return Array.from(encoded.x);
}

const fail = (message: string): never => { throw new ConfigError(message); };
