// safetensors, both ways: an nn.Sequential-style state_dict ("0.weight" [out, in], "0.bias", then
// the next Linear after its activation's position: "2.weight", …). The format is a little-endian
// u64 header length, a JSON header (dtype, shape, data_offsets per tensor; string __metadata__),
// then the raw little-endian numbers. A state_dict holds no activations: wasmlp writes its
// architecture into __metadata__ and reads it back; for other files the caller names them.
import { ACTIVATIONS, type Activation } from "../activation.js";
import { checkArchitecture, type Architecture, type LayerShape } from "../architecture.js";
import { ConfigError, ModelFormatError, clip, show } from "../errors.js";
import type { SavedNetwork } from "../io/saved.js";
import { jsonText } from "../io/jsonText.js";
import { bytesOf } from "../io/binary.js";
import { LOSSES, type Loss } from "../loss.js";
import { defaultLoss, MAX_VALUES, metadataObject, readFloats } from "./common.js";

/** The header may not exceed this (the weights follow it; a real header is a few KB). */
const MAX_HEADER = 100 * 1024 * 1024;

/** Sequential positions: each Linear takes one, and so does each activation after it but identity. */
function positions(arch: Architecture): number[] {
  let at = 0;
  return arch.layers.map((layer) => {
    const position = at;
    at += layer.activation === "identity" ? 1 : 2;
    return position;
  });
}

export function encodeSafetensors(saved: SavedNetwork): Uint8Array {
  const { arch, params } = saved;
  const header: Record<string, unknown> = {
    __metadata__: {
      format: "pt",
      "wasmlp.architecture": JSON.stringify({ inputSize: arch.inputSize, layers: arch.layers.map((l) => ({ size: l.size, activation: l.activation })), loss: arch.loss }),
      ...(saved.metadata ? { "wasmlp.metadata": jsonText(saved.metadata) } : {}),
    },
  };
  let offset = 0, fanIn = arch.inputSize;
  const at = positions(arch);
  arch.layers.forEach((layer, i) => {
    header[`${at[i]}.weight`] = { dtype: "F64", shape: [layer.size, fanIn], data_offsets: [offset, (offset += 8 * layer.size * fanIn)] };
    header[`${at[i]}.bias`] = { dtype: "F64", shape: [layer.size], data_offsets: [offset, (offset += 8 * layer.size)] };
    fanIn = layer.size;
  });
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = new Uint8Array(json.length + ((8 - ((8 + json.length) % 8)) % 8)).fill(0x20); // spaces: the data starts 8-byte aligned
  if (headerBytes.length > MAX_HEADER) throw new ConfigError(`toSafetensors: the header (the architecture and the metadata) would take ${headerBytes.length} bytes, more than the ${MAX_HEADER} a reader accepts`);
  headerBytes.set(json);
  const out = new Uint8Array(8 + headerBytes.length + 8 * params.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  const data = 8 + headerBytes.length;
  for (let i = 0; i < params.length; i++) view.setFloat64(data + 8 * i, params[i]!, true); // W¹ b¹ W² b² …: plan order
  return out;
}

interface TensorEntry { dtype: string; shape: number[]; data_offsets: [number, number] }

/**
 * Reads a state_dict. `activations` (one per Linear layer, a user's choice: ConfigErrors) default
 * to those wasmlp recorded in __metadata__; the loss is the file's, else the default for the output.
 */
export function decodeSafetensors(bytes: Uint8Array | ArrayBuffer, activationsGiven?: readonly Activation[]): SavedNetwork {
  const fail = (why: string): never => { throw new ModelFormatError(`safetensors: ${why}`); };
  const data = bytesOf(bytes, fail);
  if (data.length < 8) fail(`${data.length} bytes cannot hold the header length`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const length = view.getBigUint64(0, true);
  if (length > BigInt(Math.min(MAX_HEADER, data.length - 8))) fail(`the header claims ${length} bytes, but the file has ${data.length - 8} after the length (truncated file, or not safetensors)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data.subarray(8, 8 + Number(length)))) as Record<string, unknown>;
  } catch (e) {
    return fail(`the header is not valid JSON (${clip((e as Error).message, 160)})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) fail("the header is not a JSON object");
  const body = data.subarray(8 + Number(length));
  const meta = (header.__metadata__ ?? {}) as Record<string, unknown>;
  if (typeof meta !== "object" || meta === null || Object.values(meta).some((v) => typeof v !== "string")) fail("__metadata__ must map names to strings");

  // Linear layers by position: "<n>.weight" and "<n>.bias"
  const linears = new Map<number, { weight?: { shape: number[]; values: Float64Array }; bias?: { shape: number[]; values: Float64Array } }>();
  for (const [key, entry] of Object.entries(header)) {
    if (key === "__metadata__") continue;
    const m = /^(0|[1-9]\d*)\.(weight|bias)$/.exec(key);
    if (!m) fail(`tensor '${key}' is not a Linear layer's weight or bias of an nn.Sequential ('0.weight', '0.bias', '2.weight', …)`);
    const tensor = readTensor(key, entry as TensorEntry, body, fail);
    const position = Number(m![1]);
    linears.set(position, { ...linears.get(position), [m![2]!]: tensor });
  }
  if (linears.size === 0) fail("the file holds no tensors");
  const ordered = [...linears.entries()].sort(([a], [b]) => a - b);

  const stored = storedArchitecture(meta["wasmlp.architecture"] as string | undefined, fail);
  const activations = activationsGiven ?? stored?.layers.map((l) => l.activation);
  if (!activations) {
    throw new ConfigError(`safetensors: the file names no activations (a state_dict holds none): give one per Linear layer (${ordered.length}), e.g. activations: [${ordered.map((_, i) => (i === ordered.length - 1 ? "'softmax'" : "'relu'")).join(", ")}] ` +
      `(wasmlp import: --activations ${ordered.map((_, i) => (i === ordered.length - 1 ? "softmax" : "relu")).join(",")})`);
  }
  if (activations.length !== ordered.length) throw new ConfigError(`safetensors: ${activations.length} activations given for ${ordered.length} Linear layers`);
  for (const a of activations) if (!ACTIVATIONS.includes(a)) throw new ConfigError(`safetensors: unknown activation ${show(a)}`);

  const layers: LayerShape[] = [], params: Float64Array[] = [];
  let fanIn: number | undefined;
  ordered.forEach(([position, { weight, bias }], i) => {
    if (!weight || !bias) fail(`layer ${position} has ${weight ? "no bias" : "no weight"}`);
    if (weight!.shape.length !== 2) fail(`'${position}.weight' has shape [${weight!.shape.join(", ")}], expected [out, in]`);
    const [rows, cols] = weight!.shape as [number, number];
    if (bias!.shape.length !== 1 || bias!.shape[0] !== rows) fail(`'${position}.bias' has shape [${bias!.shape.join(", ")}], expected [${rows}]`);
    if (fanIn !== undefined && cols !== fanIn) fail(`'${position}.weight' takes ${cols} inputs, but the layer before gives ${fanIn}`);
    fanIn = rows;
    layers.push({ size: rows, activation: activations[i]! });
    params.push(weight!.values, bias!.values);
  });
  const loss = stored?.loss ?? defaultLoss(activations[activations.length - 1]!);
  const arch = checkArchitecture({ inputSize: ordered[0]![1].weight!.shape[1]!, layers, loss }, activationsGiven ? "options" : "safetensors model", activationsGiven ? ConfigError : ModelFormatError);
  const flat = new Float64Array(params.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of params) { flat.set(p, at); at += p.length; }
  const metadata = metadataObject(meta["wasmlp.metadata"] as string | undefined, fail, "wasmlp.metadata in __metadata__");
  return { arch, params: flat, ...(metadata ? { metadata } : {}) };
}

/** The architecture wasmlp records in __metadata__, checked: layers with known activations, a known loss. */
function storedArchitecture(text: string | undefined, fail: (why: string) => never): { layers: { activation: Activation }[]; loss?: Loss } | undefined {
  const value = metadataObject(text, fail, "wasmlp.architecture in __metadata__") as Partial<Architecture> | undefined;
  if (value === undefined) return undefined;
  const layers = value.layers;
  if (!Array.isArray(layers) || !layers.every((l) => typeof l === "object" && l !== null && (ACTIVATIONS as readonly unknown[]).includes(l.activation))) {
    fail("wasmlp.architecture in __metadata__ has no list of layers with known activations");
  }
  if (value.loss !== undefined && !LOSSES.includes(value.loss)) fail(`wasmlp.architecture names the unknown loss ${show(value.loss)}`);
  return { layers: layers as { activation: Activation }[], ...(value.loss ? { loss: value.loss } : {}) };
}

function readTensor(key: string, entry: TensorEntry, body: Uint8Array, fail: (why: string) => never): { shape: number[]; values: Float64Array } {
  if (typeof entry !== "object" || entry === null) fail(`tensor '${key}' is not an object`);
  const { dtype, shape, data_offsets: offsets } = entry;
  if (dtype !== "F64" && dtype !== "F32") fail(`tensor '${key}' has dtype ${show(dtype)}; wasmlp reads F64 and F32`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor '${key}' has shape ${show(shape)}`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > MAX_VALUES) fail(`tensor '${key}' declares ${count} values, more than the ${MAX_VALUES} wasmlp reads`);
  const size = dtype === "F64" ? 8 : 4;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1] || offsets[1] > body.length) {
    fail(`tensor '${key}' has data_offsets ${show(offsets)} outside the ${body.length} bytes of data`);
  }
  if (offsets[1] - offsets[0] !== count * size) fail(`tensor '${key}' holds ${offsets[1] - offsets[0]} bytes, but shape [${shape.join(", ")}] of ${dtype} needs ${count * size}`);
  const view = new DataView(body.buffer, body.byteOffset + offsets[0], offsets[1] - offsets[0]);
  return { shape, values: readFloats(view, count, size, fail, `tensor '${key}'`) };
}
