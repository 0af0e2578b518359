// The compact binary model format (".wasmlp"), all numbers little-endian:
//
//   0   4  magic "WMLP"
//   4   2  u16 format version (1)
//   6   2  u16 flags: bit 0 = checkpoint (a training block and the optimizer state follow),
//                     bit 1 = metadata (a JSON block follows the numbers)
//   8   4  u32 inputSize
//   12  4  u32 layer count L
//   16  4  u32 loss id (0 squaredError, 1 crossEntropy, 2 binaryCrossEntropy)
//   20  4  u32 epochs trained
//   24  8  f64 seed of the network (NaN: none)
//   32  8L per layer: u32 size, u32 activation id (0 identity, 1 sigmoid, 2 tanh, 3 relu, 4 leakyRelu, 5 softmax)
//   checkpoint only, 96 bytes: u32 optimizer (0 sgd, 1 adam), u32 0,
//       f64 step, baseLr, lr, momentum, nesterov (0/1), weightDecay, beta1, beta2, eps, β1^t, β2^t
//       (β^t as the kernels built them; 0, 0 in files written before they were stored)
//   P × f64 parameters (W¹ row-major, b¹, W², b², …)
//   checkpoint only: P × f64 optimizer state 1, P × f64 optimizer state 2
//   flag bit 1 only: u32 byte length M, then M bytes of UTF-8 JSON (the metadata object)
//   4  u32 CRC-32 of every byte before it
//
// Every offset of an f64 is a multiple of 8. The decoder checks each field and the exact length
// before it trusts anything, and returns nothing half-built.
import { OptimizerId } from "../abi.js";
import { activationFromId, activationId } from "../activation.js";
import { checkArchitecture, MAX_LAYERS } from "../architecture.js";
import { ConfigError, ModelFormatError, clip, show } from "../errors.js";
import { lossFromId, lossId } from "../loss.js";
import { checkOptimizerConfig, type OptimizerConfig } from "../optimizerConfig.js";
import { crc32 } from "./crc32.js";
import { jsonText } from "./jsonText.js";
import { copyMetadata } from "./metadata.js";
import { MAX_EPOCHS_TRAINED, MAX_STEPS, parameterCount, type SavedNetwork } from "./saved.js";

export const BINARY_MAGIC = "WMLP";
export const BINARY_VERSION = 1;
const FLAG_CHECKPOINT = 1;
const FLAG_METADATA = 2;
const HEADER_BYTES = 32;
const TRAINING_BYTES = 96;

export function encodeBinary(saved: SavedNetwork): Uint8Array {
  const { arch, params, training } = saved;
  const optimizer = training?.optimizer;
  // what the fields cannot hold is refused, never wrapped (the readers would read something else)
  const epochs = training?.epochs ?? 0;
  if (!(Number.isInteger(epochs) && epochs >= 0 && epochs <= MAX_EPOCHS_TRAINED)) throw new ConfigError(`toBinary: ${show(epochs)} epochs trained cannot be stored (at most ${MAX_EPOCHS_TRAINED})`);
  const P = params.length;
  const headerEnd = HEADER_BYTES + 8 * arch.layers.length;
  const paramsAt = headerEnd + (optimizer ? TRAINING_BYTES : 0);
  const metadata = saved.metadata === undefined ? undefined : new TextEncoder().encode(jsonText(saved.metadata));
  const metadataAt = paramsAt + 8 * P * (optimizer ? 3 : 1);
  const total = metadataAt + (metadata ? 4 + metadata.length : 0) + 4;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) bytes[i] = BINARY_MAGIC.charCodeAt(i);
  view.setUint16(4, BINARY_VERSION, true);
  view.setUint16(6, (optimizer ? FLAG_CHECKPOINT : 0) | (metadata ? FLAG_METADATA : 0), true);
  if (metadata) {
    view.setUint32(metadataAt, metadata.length, true);
    bytes.set(metadata, metadataAt + 4);
  }
  view.setUint32(8, arch.inputSize, true);
  view.setUint32(12, arch.layers.length, true);
  view.setUint32(16, lossId(arch.loss), true);
  view.setUint32(20, epochs, true);
  view.setFloat64(24, training?.seed ?? NaN, true);
  arch.layers.forEach((layer, l) => {
    view.setUint32(HEADER_BYTES + 8 * l, layer.size, true);
    view.setUint32(HEADER_BYTES + 8 * l + 4, activationId(layer.activation), true);
  });
  if (optimizer) {
    const c = optimizer.config as unknown as Record<string, number | boolean | string | undefined>;
    const at = headerEnd;
    view.setUint32(at, OptimizerId[c.type as keyof typeof OptimizerId], true);
    const f64s = [optimizer.step, optimizer.baseLr, Number(c.lr), Number(c.momentum ?? 0), c.nesterov ? 1 : 0, Number(c.weightDecay ?? 0),
      Number(c.beta1 ?? 0), Number(c.beta2 ?? 0), Number(c.eps ?? 0), optimizer.betaPowers?.[0] ?? 0, optimizer.betaPowers?.[1] ?? 0];
    f64s.forEach((v, i) => view.setFloat64(at + 8 + 8 * i, v, true));
  }
  const writeF64s = (values: Float64Array, at: number) => {
    for (let i = 0; i < values.length; i++) view.setFloat64(at + 8 * i, values[i]!, true);
  };
  writeF64s(params, paramsAt);
  if (optimizer) {
    writeF64s(optimizer.state1, paramsAt + 8 * P);
    writeF64s(optimizer.state2, paramsAt + 16 * P);
  }
  view.setUint32(total - 4, crc32(bytes.subarray(0, total - 4)), true);
  return bytes;
}

export function decodeBinary(input: Uint8Array | ArrayBuffer): SavedNetwork {
  const fail = (message: string): never => { throw new ModelFormatError(`binary model: ${message}`); };
  const bytes = bytesOf(input, fail);
  if (bytes.length < HEADER_BYTES + 4) fail(`${bytes.length} bytes is too short for a header (truncated file?)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== BINARY_MAGIC) fail(`wrong magic bytes ${show(magic)}; a wasmlp binary model starts with "${BINARY_MAGIC}"`);
  const version = view.getUint16(4, true);
  if (version !== BINARY_VERSION) fail(`format version ${version} is not supported; this wasmlp reads version ${BINARY_VERSION}`);
  const flags = view.getUint16(6, true);
  if (flags & ~(FLAG_CHECKPOINT | FLAG_METADATA)) fail(`unknown flags 0x${flags.toString(16)}`);
  const checkpoint = (flags & FLAG_CHECKPOINT) !== 0;
  const hasMetadata = (flags & FLAG_METADATA) !== 0;
  const layerCount = view.getUint32(12, true);
  if (layerCount < 1 || layerCount > MAX_LAYERS) fail(`layer count ${layerCount} is not possible`);
  const headerEnd = HEADER_BYTES + 8 * layerCount;
  if (bytes.length < headerEnd + 4) fail(`${bytes.length} bytes cannot hold the header of ${layerCount} layers (truncated file?)`);
  const lossName = lossFromId(view.getUint32(16, true)) ?? fail(`unknown loss id ${view.getUint32(16, true)}`);
  const layers = Array.from({ length: layerCount }, (_, l) => {
    const id = view.getUint32(HEADER_BYTES + 8 * l + 4, true);
    return { size: view.getUint32(HEADER_BYTES + 8 * l, true), activation: activationFromId(id) ?? fail(`layer ${l + 1}: unknown activation id ${id}`) };
  });
  const arch = checkArchitecture({ inputSize: view.getUint32(8, true), layers, loss: lossName }, "binary model", ModelFormatError);
  const P = parameterCount(arch);
  const paramsAt = headerEnd + (checkpoint ? TRAINING_BYTES : 0);
  const metadataAt = paramsAt + 8 * P * (checkpoint ? 3 : 1);
  let metadataLength = 0;
  if (hasMetadata) {
    if (bytes.length < metadataAt + 8) fail(`${bytes.length} bytes cannot hold the parameters and the metadata block (truncated file?)`);
    metadataLength = view.getUint32(metadataAt, true);
  }
  const expected = metadataAt + (hasMetadata ? 4 + metadataLength : 0) + 4;
  if (bytes.length !== expected) {
    fail(`${bytes.length} bytes, but this architecture (${P} parameters${checkpoint ? ", with optimizer state" : ""}) needs exactly ${expected}${bytes.length < expected ? " (truncated file?)" : ""}`);
  }
  const stored = view.getUint32(expected - 4, true), actual = crc32(bytes.subarray(0, expected - 4));
  if (stored !== actual) fail(`checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)}): the file is corrupt`);
  const readF64s = (at: number, what: string) => {
    const out = new Float64Array(P);
    for (let i = 0; i < P; i++) {
      const v = view.getFloat64(at + 8 * i, true);
      if (!Number.isFinite(v)) fail(`${what}[${i}] is ${v}`);
      out[i] = v;
    }
    return out;
  };
  const params = readF64s(paramsAt, "parameter");
  let metadata: Record<string, unknown> | undefined;
  if (hasMetadata) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(metadataAt + 4, metadataAt + 4 + metadataLength)));
    } catch (e) {
      fail(`the metadata block is not valid UTF-8 JSON (${clip((e as Error).message, 160)})`);
    }
    metadata = copyMetadata(parsed, "metadata", fail);
  }
  const seed = view.getFloat64(24, true);
  if (!Number.isNaN(seed) && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) fail(`seed ${seed} is not an integer in [0, 2^32)`);
  const epochs = view.getUint32(20, true);
  const training = { epochs, ...(Number.isNaN(seed) ? {} : { seed: seed + 0 }) }; // + 0: a seed of -0 is 0
  const extra = metadata === undefined ? {} : { metadata };
  if (!checkpoint) return { arch, params, ...extra, ...(epochs > 0 || training.seed !== undefined ? { training } : {}) };

  const at = headerEnd;
  const f = (i: number) => view.getFloat64(at + 8 + 8 * i, true);
  const type = view.getUint32(at, true);
  if (type !== OptimizerId.sgd && type !== OptimizerId.adam) fail(`unknown optimizer id ${type}`);
  const reserved = view.getUint32(at + 4, true);
  if (reserved !== 0) fail(`the reserved field after the optimizer id is ${reserved}, not 0`);
  const [step, baseLr, lr, momentum, nesterov, weightDecay, beta1, beta2, eps, beta1Power, beta2Power] = Array.from({ length: 11 }, (_, i) => f(i)) as number[];
  // the settings of the other optimizer are written as 0, and must read so (no value is ignored)
  const unused = type === OptimizerId.adam ? { momentum, nesterov } : { beta1, beta2, eps, beta1Power, beta2Power };
  for (const [name, value] of Object.entries(unused)) {
    if (!Object.is(value, 0)) fail(`optimizer field ${name} is ${show(value)}, but ${type === OptimizerId.adam ? "an Adam" : "an SGD"} checkpoint has none (it must be 0)`);
  }
  if (nesterov !== 0 && nesterov !== 1) fail(`optimizer field nesterov is ${show(nesterov)}; it must be 0 or 1`);
  const betaPowers = readBetaPowers(beta1Power!, beta2Power!, fail);
  if (!Number.isInteger(step) || step! < 0 || step! > MAX_STEPS) fail(`optimizer step count ${show(step)} is not a whole number in [0, 2^53]`);
  if (!(baseLr! > 0) || !Number.isFinite(baseLr)) fail(`optimizer base learning rate ${baseLr} is not a positive number`);
  let config: OptimizerConfig;
  try {
    config = checkOptimizerConfig(type === OptimizerId.adam
      ? { type: "adam", lr: lr!, beta1: beta1!, beta2: beta2!, eps: eps!, weightDecay: weightDecay! }
      : { type: "sgd", lr: lr!, momentum: momentum!, nesterov: nesterov === 1, weightDecay: weightDecay! });
  } catch (e) {
    throw e instanceof ConfigError ? new ModelFormatError(`binary model: optimizer settings: ${e.message}`) : e;
  }
  return {
    arch, params, ...extra,
    training: {
      ...training,
      optimizer: { config, baseLr: baseLr!, step: step! + 0, ...(betaPowers ? { betaPowers } : {}), state1: readF64s(paramsAt + 8 * P, "optimizer state 1"), state2: readF64s(paramsAt + 16 * P, "optimizer state 2") },
    },
  };
}

/** The bytes of a file given as a Uint8Array (a Buffer is one), another typed array or DataView, or an ArrayBuffer; anything else fails. */
export function bytesOf(input: unknown, fail: (why: string) => never): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (input instanceof ArrayBuffer || (typeof SharedArrayBuffer !== "undefined" && input instanceof SharedArrayBuffer)) return new Uint8Array(input);
  return fail(`expected the file's bytes (a Uint8Array or an ArrayBuffer), got ${show(input)}`);
}

/** Stored β1^t, β2^t: both 0 (not stored), or both in (0, 1]. */
export function readBetaPowers(beta1Power: number, beta2Power: number, fail: (why: string) => never): [number, number] | undefined {
  if (beta1Power === 0 && beta2Power === 0) return undefined;
  const ok = (v: number) => Number.isFinite(v) && v > 0 && v <= 1;
  if (!ok(beta1Power) || !ok(beta2Power)) fail(`optimizer beta powers ${beta1Power}, ${beta2Power} are not in (0, 1]`);
  return [beta1Power, beta2Power];
}
