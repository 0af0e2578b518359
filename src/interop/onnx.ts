// ONNX, both ways, for multi-layer perceptrons. Export writes opset 13: each layer a Gemm
// (transB = 1: W is stored outputs × inputs, as wasmlp keeps it), then its activation; leaky ReLU
// as Max(z, Mul(z, 0.01)) with a float64 constant, which is exact and has float64 kernels at every
// opset (LeakyRelu's alpha is a float32 attribute). Optional nodes standardise raw inputs first
// (Sub, Div) and map a standardised regression output back (Mul, Add), exactly as wasmlp does.
// Import reads MLPs as PyTorch exports them — Gemm, or MatMul + Add, each followed by Relu, Tanh,
// Sigmoid, LeakyRelu, Softmax (last axis) or nothing — and refuses anything else, naming the node,
// before anything is built.
import type { Activation } from "../activation.js";
import { checkArchitecture, type LayerShape } from "../architecture.js";
import { ConfigError, ModelFormatError } from "../errors.js";
import type { Loss } from "../loss.js";
import type { SavedNetwork } from "../io/saved.js";
import { jsonText } from "../io/jsonText.js";
import { bytesOf } from "../io/binary.js";
import { defaultLoss, MAX_VALUES, metadataObject, readFloats } from "./common.js";
import { int64s, readMessage, text, Wire, Writer, type Field } from "./protobuf.js";

export interface OnnxExportOptions {
  /** Number type of the graph (default float64: the model's own numbers, bit for bit). */
  precision?: "float64" | "float32";
  /** Standardise raw inputs inside the graph: x ↦ (x − mean) / std per input. */
  inputScaling?: { mean: readonly number[]; std: readonly number[] };
  /** Map the output back: y ↦ y · std + mean (a standardised regression target). */
  outputScaling?: { mean: number; std: number };
}

const OPSET = 13;
const IR_VERSION = 7;
const DOUBLE = 11, FLOAT = 1;

// ONNX field numbers (onnx.proto3)
const Model = { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8, metadataProps: 14 } as const;
const Graph = { node: 1, name: 2, initializer: 5, input: 11, output: 12 } as const;
const Node = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;
const Attribute = { name: 1, f: 2, i: 3, type: 20 } as const;
const Tensor = { dims: 1, dataType: 2, floatData: 4, name: 8, rawData: 9, doubleData: 10, externalData: 13, dataLocation: 14 } as const;

const ACTIVATION_OP: Partial<Record<Activation, string>> = { sigmoid: "Sigmoid", tanh: "Tanh", relu: "Relu", softmax: "Softmax" };
const LEAKY_SLOPE = 0.01;

// ——— export ———

export function encodeONNX(saved: SavedNetwork, options: OnnxExportOptions = {}): Uint8Array {
  const { arch, params } = saved;
  const float32 = options.precision === "float32";
  const elem = float32 ? FLOAT : DOUBLE;
  const inits: [string, number[], ArrayLike<number>][] = [];
  const nodes: { op: string; inputs: string[]; output: string; name: string; ints?: Record<string, number> }[] = [];
  const outputSize = arch.layers[arch.layers.length - 1]!.size;
  let value = "input";
  const node = (op: string, inputs: string[], output: string, name = output, ints?: Record<string, number>) => {
    nodes.push({ op, inputs, output, name, ...(ints ? { ints } : {}) });
    return output;
  };
  if (options.inputScaling) {
    inits.push(["input_mean", [arch.inputSize], options.inputScaling.mean], ["input_std", [arch.inputSize], options.inputScaling.std]);
    value = node("Div", [node("Sub", [value, "input_mean"], "input_centred", "wasmlp.prepare.sub"), "input_std"], "input_standardised", "wasmlp.prepare.div");
  }
  let at = 0, fanIn = arch.inputSize, leaky = false;
  arch.layers.forEach((layer, i) => {
    const l = i + 1;
    inits.push([`W${l}`, [layer.size, fanIn], params.subarray(at, at + layer.size * fanIn)]);
    at += layer.size * fanIn;
    inits.push([`b${l}`, [layer.size], params.subarray(at, at + layer.size)]);
    at += layer.size;
    fanIn = layer.size;
    const z = node("Gemm", [value, `W${l}`, `b${l}`], `z${l}`, `layer${l}.gemm`, { transB: 1 });
    if (layer.activation === "identity") value = z;
    else if (layer.activation === "leakyRelu") {
      leaky = true;
      value = node("Max", [z, node("Mul", [z, "leaky_slope"], `z${l}_sloped`, `layer${l}.leaky_mul`)], `a${l}`, `layer${l}.leaky_max`);
    } else value = node(ACTIVATION_OP[layer.activation]!, [z], `a${l}`, `layer${l}.${layer.activation}`, layer.activation === "softmax" ? { axis: -1 } : undefined);
  });
  if (leaky) inits.push(["leaky_slope", [], [LEAKY_SLOPE]]);
  if (options.outputScaling) {
    inits.push(["output_std", [outputSize], Array(outputSize).fill(options.outputScaling.std)], ["output_mean", [outputSize], Array(outputSize).fill(options.outputScaling.mean)]);
    value = node("Add", [node("Mul", [value, "output_std"], "output_scaled", "wasmlp.unscale.mul"), "output_mean"], "output_unscaled", "wasmlp.unscale.add");
  }
  node("Identity", [value], "output", "output");

  // ValueInfoProto.type (2) → TypeProto.tensor_type (1) → elem_type (1), shape (2) → dim (1): dim_param (2) "batch", dim_value (1)
  const shape = (w: Writer, cols: number) => w.message(2, (type) => type.message(1, (t) => t.int(1, elem)
    .message(2, (s) => s.message(1, (d) => d.string(2, "batch")).message(1, (d) => d.int(1, cols)))));
  const metadata: [string, string][] = [
    ["wasmlp.loss", arch.loss],
    ["wasmlp.inputs", options.inputScaling ? "raw values, standardised inside the graph (no blank cells)" : "as the network takes them"],
    ...(saved.metadata ? [["wasmlp.metadata", jsonText(saved.metadata)] as [string, string]] : []),
  ];
  const model = new Writer()
    .int(Model.irVersion, IR_VERSION)
    .string(Model.producerName, "wasmlp")
    .message(Model.graph, (g) => {
      for (const n of nodes) {
        g.message(Graph.node, (w) => {
          for (const input of n.inputs) w.string(Node.input, input);
          w.string(Node.output, n.output).string(Node.name, n.name).string(Node.opType, n.op);
          for (const [name, v] of Object.entries(n.ints ?? {})) w.message(Node.attribute, (a) => a.string(Attribute.name, name).int(Attribute.i, v).int(Attribute.type, 2));
        });
      }
      g.string(Graph.name, "wasmlp");
      for (const [name, dims, values] of inits) {
        g.message(Graph.initializer, (t) => {
          for (const d of dims) t.int(Tensor.dims, d);
          t.int(Tensor.dataType, elem).string(Tensor.name, name).bytes(Tensor.rawData, rawData(values, float32));
        });
      }
      g.message(Graph.input, (v) => shape(v.string(1, "input"), arch.inputSize));
      g.message(Graph.output, (v) => shape(v.string(1, "output"), outputSize));
    })
    .message(Model.opsetImport, (o) => o.string(1, "").int(2, OPSET));
  for (const [key, v] of metadata) model.message(Model.metadataProps, (p) => p.string(1, key).string(2, v));
  const bytes = model.finish();
  // Whatever wasmlp writes it must read back: float32 can round a weight to Infinity, and folding a
  // scaling with a tiny std into the weights on import can overflow them. Reading the file is cheap.
  try {
    decodeONNX(bytes);
  } catch (error) {
    if (error instanceof ModelFormatError) throw new ConfigError(`toONNX: the file would not read back (${error.message.replace(/^ONNX: /, "")})`);
    throw error;
  }
  return bytes;
}

function rawData(values: ArrayLike<number>, float32: boolean): Uint8Array {
  const out = new Uint8Array(values.length * (float32 ? 4 : 8));
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    if (float32) view.setFloat32(4 * i, values[i]!, true);
    else view.setFloat64(8 * i, values[i]!, true);
  }
  return out;
}

// ——— import ———

interface NodeInfo { name: string; op: string; inputs: string[]; outputs: string[]; attributes: Map<string, Field[]> }
interface Initializer { dims: number[]; values: Float64Array }

/**
 * Reads an MLP. `loss` overrides the file's (a user's choice: a ConfigError when it does not fit).
 * Standardisation nodes wasmlp wrote are folded into the weights — unless the file's metadata
 * carries the table preparation they came from, which does the same outside the network.
 */
export function decodeONNX(bytes: Uint8Array | ArrayBuffer, loss?: Loss): SavedNetwork {
  const data = bytesOf(bytes, (why) => { throw new ModelFormatError(`ONNX: ${why}`); });
  const model = readMessage(data, "model");
  const graphField = model.find((f) => f.field === Model.graph && f.wire === Wire.Bytes);
  if (!graphField) throw new ModelFormatError("ONNX: the file has no graph (is it an ONNX model?)");
  const props = new Map<string, string>();
  for (const p of model.filter((f) => f.field === Model.metadataProps)) {
    const fields = readMessage(p.bytes, "metadata_props");
    const key = fields.find((f) => f.field === 1), value = fields.find((f) => f.field === 2);
    if (key && value) props.set(text(key, "metadata key"), text(value, "metadata value"));
  }
  const failMeta = (why: string): never => { throw new ModelFormatError(`ONNX: ${why}`); };
  const metadata = metadataObject(props.get("wasmlp.metadata"), failMeta, "the wasmlp.metadata property");

  const graph = readMessage(graphField.bytes, "graph");
  const inits = new Map<string, Initializer>();
  for (const t of graph.filter((f) => f.field === Graph.initializer)) {
    const [name, tensor] = readTensor(t.bytes);
    inits.set(name, tensor);
  }
  const nodes = graph.filter((f) => f.field === Graph.node).map((n, i) => readNode(n.bytes, i));
  const inputs = graph.filter((f) => f.field === Graph.input).map((v) => valueName(v.bytes)).filter((n) => !inits.has(n));
  const outputs = graph.filter((f) => f.field === Graph.output).map((v) => valueName(v.bytes));
  if (inputs.length !== 1) throw new ModelFormatError(`ONNX: the graph has ${inputs.length} inputs (${inputs.join(", ")}); an MLP has one`);
  if (outputs.length !== 1) throw new ModelFormatError(`ONNX: the graph has ${outputs.length} outputs (${outputs.join(", ")}); an MLP has one`);

  // Walk the chain from the input: each value feeds one node (Identity nodes are stepped over);
  // a node met twice is a cycle.
  const consumers = new Map<string, NodeInfo[]>();
  for (const n of nodes) for (const input of new Set(n.inputs)) if (!inits.has(input)) consumers.set(input, [...(consumers.get(input) ?? []), n]);
  const used = new Set<NodeInfo>();
  const take = (n: NodeInfo) => {
    if (used.has(n)) throw new ModelFormatError(`ONNX: node ${describe(n)} is met twice: the graph has a cycle`);
    used.add(n);
    return n;
  };
  let value = inputs[0]!;
  const next = (): NodeInfo | undefined => {
    for (;;) {
      let list = consumers.get(value) ?? [];
      // leaky ReLU as Max(z, Mul(z, 0.01)): z feeds both; the Mul comes first
      const mul = list.find((x) => x.op === "Mul"), max = list.find((x) => x.op === "Max");
      if (list.length === 2 && mul && max && max.inputs.includes(mul.outputs[0]!)) list = [mul];
      if (list.length > 1) throw new ModelFormatError(`ONNX: the value '${value}' feeds ${list.length} nodes (${list.map(describe).join(", ")}); an MLP is a chain`);
      const n = list[0];
      if (!n || n.op !== "Identity") return n && take(n);
      take(n);
      value = n.outputs[0]!;
    }
  };
  const weights: Float64Array[] = [], layers: LayerShape[] = [];
  let fanIn: number | undefined;
  const constant = (node: NodeInfo | undefined, op: string, prefix: string): Float64Array => {
    const c = node && inits.get(node.inputs[1] ?? "");
    if (!node || node.op !== op || !node.name.startsWith(prefix) || node.inputs[0] !== value || !c) throw node ? unsupported(node) : new ModelFormatError(`ONNX: wasmlp's ${prefix} nodes are incomplete`);
    value = node.outputs[0]!;
    return c.values;
  };
  let n = next();
  // wasmlp's standardisation of raw inputs: Sub(x, input_mean), Div(·, input_std)
  let inputScaling: [Float64Array, Float64Array] | undefined;
  if (n && n.name.startsWith("wasmlp.prepare.")) {
    const mean = constant(n, "Sub", "wasmlp.prepare.");
    inputScaling = [mean, constant(next(), "Div", "wasmlp.prepare.")];
    n = next();
  }
  while (n && !n.name.startsWith("wasmlp.unscale.")) {
    const { w, b, output, rows, cols } = linear(n, value, inits, () => { value = n!.outputs[0]!; return next(); });
    if (fanIn !== undefined && cols !== fanIn) throw new ModelFormatError(`ONNX: node ${describe(n)} takes ${cols} inputs, but the layer before gives ${fanIn}`);
    fanIn = rows;
    value = output;
    let activation: Activation = "identity";
    const act = next();
    if (act && ACTIVATIONS_BY_OP.has(act.op)) {
      activation = ACTIVATIONS_BY_OP.get(act.op)!;
      if (act.op === "LeakyRelu") checkLeakyAlpha(act);
      if (act.op === "Softmax") checkSoftmaxAxis(act);
      value = act.outputs[0]!;
    } else if (act && act.op === "Mul" && isSlope(act, value, inits)) {
      const z = value;
      value = act.outputs[0]!;
      const max = next();
      if (!max || max.op !== "Max" || !max.inputs.includes(z)) throw unsupported(max ?? act);
      activation = "leakyRelu";
      value = max.outputs[0]!;
    }
    weights.push(w, b);
    layers.push({ size: rows, activation });
    n = activation === "identity" ? act : next();
  }
  let outputScaling: { mean: number; std: number } | undefined;
  if (n) {
    // wasmlp's mapping of a standardised output back: Mul(y, output_std), Add(·, output_mean)
    const std = constant(n, "Mul", "wasmlp.unscale.");
    const mean = constant(next(), "Add", "wasmlp.unscale.");
    if (std.some((v) => v !== std[0]) || mean.some((v) => v !== mean[0])) throw new ModelFormatError("ONNX: wasmlp's output scaling differs between outputs");
    outputScaling = { mean: mean[0]!, std: std[0]! };
    const rest = next();
    if (rest) throw unsupported(rest);
  }
  if (value !== outputs[0]) throw new ModelFormatError(`ONNX: the chain from '${inputs[0]}' ends at '${value}', not at the graph output '${outputs[0]}'`);
  const stray = nodes.find((x) => !used.has(x));
  if (stray) throw unsupported(stray);
  if (layers.length === 0) throw new ModelFormatError("ONNX: the graph has no Gemm or MatMul layer");

  // A table preparation in the metadata standardises outside the network; otherwise fold the scaling into the weights.
  if (!(metadata && "preparation" in metadata)) {
    if (inputScaling) foldInputScaling(weights, layers[0]!.size, inputScaling[0]!, inputScaling[1]!);
    if (outputScaling) {
      if (layers[layers.length - 1]!.activation !== "identity") throw new ModelFormatError("ONNX: an output scaling after a non-identity output cannot be folded into the network");
      foldOutputScaling(weights, outputScaling);
    }
  }
  const fileLoss = props.get("wasmlp.loss") as Loss | undefined;
  const arch = { inputSize: weights[0]!.length / layers[0]!.size, layers, loss: loss ?? fileLoss ?? defaultLoss(layers[layers.length - 1]!.activation) };
  const checked = loss === undefined ? checkArchitecture(arch, "ONNX model", ModelFormatError) : checkArchitecture(arch, "options", ConfigError);
  const params = new Float64Array(weights.reduce((sum, w) => sum + w.length, 0));
  let at = 0;
  for (const w of weights) { params.set(w, at); at += w.length; }
  // folding a scaling with a tiny (or zero) std into the weights can overflow them
  const bad = params.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new ModelFormatError(`ONNX: folding wasmlp's input or output scaling into the weights makes parameter ${bad} ${params[bad]} (a std of 0 or too small?)`);
  return { arch: checked, params, ...(metadata ? { metadata } : {}) };
}

function foldInputScaling(weights: Float64Array[], rows: number, mean: Float64Array, std: Float64Array): void {
  const w = weights[0]!, b = weights[1]!, cols = w.length / rows;
  if (mean.length !== cols || std.length !== cols) throw new ModelFormatError(`ONNX: wasmlp's input scaling has ${mean.length} values for ${cols} inputs`);
  for (let j = 0; j < rows; j++) {
    let shift = 0;
    for (let i = 0; i < cols; i++) { w[j * cols + i] = w[j * cols + i]! / std[i]!; shift += w[j * cols + i]! * mean[i]!; }
    b[j] = b[j]! - shift;
  }
}

function foldOutputScaling(weights: Float64Array[], { mean, std }: { mean: number; std: number }): void {
  const w = weights[weights.length - 2]!, b = weights[weights.length - 1]!;
  for (let i = 0; i < w.length; i++) w[i] = w[i]! * std;
  for (let j = 0; j < b.length; j++) b[j] = b[j]! * std + mean;
}

const ACTIVATIONS_BY_OP = new Map<string, Activation>([["Relu", "relu"], ["Tanh", "tanh"], ["Sigmoid", "sigmoid"], ["LeakyRelu", "leakyRelu"], ["Softmax", "softmax"]]);
const describe = (n: NodeInfo) => `'${n.name}' (${n.op})`;
const unsupported = (n: NodeInfo) => new ModelFormatError(
  `ONNX: node ${describe(n)} is not supported: wasmlp imports MLPs made of Gemm (or MatMul + Add) layers, each followed by Relu, Tanh, Sigmoid, LeakyRelu, Softmax or nothing`);

/** A dense layer at node `n` reading `value`: Gemm, or MatMul then Add. W comes back outputs × inputs. */
function linear(n: NodeInfo, value: string, inits: Map<string, Initializer>, next: () => NodeInfo | undefined) {
  const weight = (name: string | undefined, what: string) => {
    const t = name === undefined ? undefined : inits.get(name);
    if (!t) throw new ModelFormatError(`ONNX: node ${describe(n)}: its ${what} '${name}' is not a constant (initializer)`);
    return t;
  };
  if (n.op === "Gemm") {
    if (n.inputs[0] !== value) throw unsupported(n);
    const alpha = floatAttr(n, "alpha", 1), beta = floatAttr(n, "beta", 1), transA = intAttr(n, "transA", 0), transB = intAttr(n, "transB", 0);
    if (alpha !== 1 || beta !== 1 || transA !== 0 || (transB !== 0 && transB !== 1)) {
      throw new ModelFormatError(`ONNX: node ${describe(n)} has alpha ${alpha}, beta ${beta}, transA ${transA}, transB ${transB}; wasmlp reads alpha = beta = 1, transA = 0`);
    }
    const W = weight(n.inputs[1], "weight");
    if (W.dims.length !== 2) throw new ModelFormatError(`ONNX: node ${describe(n)}: the weight has ${W.dims.length} dimensions, expected 2`);
    const [rows, cols] = transB === 1 ? [W.dims[0]!, W.dims[1]!] : [W.dims[1]!, W.dims[0]!];
    const w = transB === 1 ? W.values : transpose(W.values, W.dims[0]!, W.dims[1]!);
    const b = n.inputs[2] === undefined || n.inputs[2] === "" ? new Float64Array(rows) : bias(weight(n.inputs[2], "bias"), rows, n);
    return { w, b, output: n.outputs[0]!, rows, cols };
  }
  if (n.op === "MatMul") {
    if (n.inputs[0] !== value) throw unsupported(n);
    const W = weight(n.inputs[1], "weight");
    if (W.dims.length !== 2) throw new ModelFormatError(`ONNX: node ${describe(n)}: the weight has ${W.dims.length} dimensions, expected 2`);
    const [cols, rows] = [W.dims[0]!, W.dims[1]!];
    const add = next(); // the node reading the MatMul's output
    if (!add || add.op !== "Add") throw new ModelFormatError(`ONNX: node ${describe(n)} is not followed by the Add of a bias`);
    const other = add.inputs.find((i) => i !== n.outputs[0]);
    return { w: transpose(W.values, cols, rows), b: bias(weight(other, "bias"), rows, add), output: add.outputs[0]!, rows, cols };
  }
  throw unsupported(n);
}

/** A bias of shape [out] or [1, out], or one value for every unit ([] or [1]); ONNX would broadcast [out, 1] over rows. */
function bias(t: Initializer, rows: number, n: NodeInfo): Float64Array {
  const shape = t.dims.join(",");
  if (shape === "" || (shape === "1" && rows !== 1)) return new Float64Array(rows).fill(t.values[0]!);
  if (shape === String(rows) || shape === `1,${rows}`) return t.values;
  throw new ModelFormatError(`ONNX: node ${describe(n)}: the bias has shape [${t.dims.join(", ")}], expected [${rows}]`);
}

function transpose(values: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

function isSlope(mul: NodeInfo, value: string, inits: Map<string, Initializer>): boolean {
  const constant = mul.inputs.find((i) => i !== value);
  const t = constant === undefined ? undefined : inits.get(constant);
  // float64 0.01, or its float32 rounding in a float32 graph
  return mul.inputs.includes(value) && t !== undefined && t.values.length === 1 && (t.values[0] === LEAKY_SLOPE || t.values[0] === Math.fround(LEAKY_SLOPE));
}

function checkLeakyAlpha(n: NodeInfo): void {
  const alpha = floatAttr(n, "alpha", 0.01);
  if (Math.fround(alpha) !== Math.fround(LEAKY_SLOPE)) throw new ModelFormatError(`ONNX: node ${describe(n)} has alpha ${alpha}; wasmlp's leaky ReLU has slope 0.01`);
}

function checkSoftmaxAxis(n: NodeInfo): void {
  const axis = intAttr(n, "axis", -1);
  if (axis !== -1 && axis !== 1) throw new ModelFormatError(`ONNX: node ${describe(n)} has axis ${axis}; wasmlp's softmax runs over the last axis of a [batch, units] tensor`);
}

function floatAttr(n: NodeInfo, name: string, fallback: number): number {
  const f = n.attributes.get(name)?.find((x) => x.field === Attribute.f && x.wire === Wire.Fixed32);
  if (!f) return fallback;
  const b = new DataView(new ArrayBuffer(4));
  b.setUint32(0, f.int, true);
  return b.getFloat32(0, true);
}

function intAttr(n: NodeInfo, name: string, fallback: number): number {
  const f = n.attributes.get(name)?.find((x) => x.field === Attribute.i && x.wire === Wire.Varint);
  return f ? f.int : fallback;
}

function readNode(bytes: Uint8Array, index: number): NodeInfo {
  const fields = readMessage(bytes, `node ${index}`);
  const strings = (field: number) => fields.filter((f) => f.field === field).map((f) => text(f, `node ${index}`));
  const domain = strings(Node.domain)[0];
  const op = strings(Node.opType)[0] ?? "";
  const name = strings(Node.name)[0] || `#${index}`;
  if (domain && domain !== "ai.onnx") throw new ModelFormatError(`ONNX: node '${name}' (${op}) is from the operator domain '${domain}'; wasmlp reads the standard operators only`);
  const attributes = new Map<string, Field[]>();
  for (const a of fields.filter((f) => f.field === Node.attribute)) {
    const af = readMessage(a.bytes, `node '${name}' attribute`);
    const key = af.find((f) => f.field === Attribute.name);
    if (key) attributes.set(text(key, "attribute name"), af);
  }
  return { name, op, inputs: strings(Node.input), outputs: strings(Node.output), attributes };
}

function valueName(bytes: Uint8Array): string {
  const name = readMessage(bytes, "value info").find((f) => f.field === 1);
  if (!name) throw new ModelFormatError("ONNX: a graph input or output has no name");
  return text(name, "value name");
}

function readTensor(bytes: Uint8Array): [string, Initializer] {
  const fields = readMessage(bytes, "initializer");
  const nameField = fields.find((f) => f.field === Tensor.name);
  const name = nameField ? text(nameField, "initializer name") : "";
  const fail = (why: string): never => { throw new ModelFormatError(`ONNX: initializer '${name}': ${why}`); };
  if (fields.some((f) => f.field === Tensor.externalData) || fields.some((f) => f.field === Tensor.dataLocation && f.int === 1)) {
    fail("its data is stored in an external file; save the model with its weights inside (torch.onnx.export does for models under 2 GB)");
  }
  const dims = int64s(fields, Tensor.dims, `initializer '${name}' dims`);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) fail(`dimension ${dims.find((d) => !Number.isSafeInteger(d) || d < 0)} is not possible`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > MAX_VALUES) fail(`declares ${count} values, more than the ${MAX_VALUES} wasmlp reads`);
  const type = fields.find((f) => f.field === Tensor.dataType)?.int ?? 0;
  if (type !== DOUBLE && type !== FLOAT) fail(`data type ${type} (${TYPE_NAMES[type] ?? "unknown"}); wasmlp reads float64 (11) and float32 (1)`);
  const size = type === DOUBLE ? 8 : 4;
  const raw = fields.find((f) => f.field === Tensor.rawData);
  let source: Uint8Array;
  if (raw) source = raw.bytes;
  else {
    // float_data (fixed32) or double_data (fixed64), packed or not
    const field = type === DOUBLE ? Tensor.doubleData : Tensor.floatData;
    const chunks = fields.filter((f) => f.field === field).map((f) => (f.wire === Wire.Fixed32 ? u32Bytes(f.int) : f.bytes));
    source = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
    let at = 0;
    for (const c of chunks) { source.set(c, at); at += c.length; }
  }
  if (source.length !== count * size) fail(`holds ${source.length} bytes of data, but shape [${dims.join(", ")}] of ${TYPE_NAMES[type]} needs ${count * size}`);
  const values = readFloats(new DataView(source.buffer, source.byteOffset, source.byteLength), count, size, fail, "its");
  return [name, { dims, values }];
}

function u32Bytes(value: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value, true);
  return b;
}

const TYPE_NAMES: Record<number, string> = { 1: "float32", 2: "uint8", 3: "int8", 5: "int16", 6: "int32", 7: "int64", 9: "bool", 10: "float16", 11: "float64", 16: "bfloat16" };
