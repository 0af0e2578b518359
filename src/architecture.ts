// What makes a network well formed, checked in one place for Network.create and for model files.
import { parseActivation, type Activation } from "./activation.js";
import { parseLoss, REQUIRED_OUTPUT, type Loss } from "./loss.js";
import { ConfigError, show } from "./errors.js";

export interface LayerShape {
  size: number;
  activation: Activation;
}

export interface Architecture {
  inputSize: number;
  layers: LayerShape[];
  loss: Loss;
}

/** Largest width accepted; far beyond what fits a 4 GiB wasm memory anyway, it keeps offsets in int32. */
const MAX_WIDTH = 1 << 24;

/** The most layers a network may have: what the binary format's readers accept, for every writer and reader. */
export const MAX_LAYERS = 1 << 16;

/**
 * The most parameters a network may have: parameters, gradients and the two optimizer-state ranges
 * (4 × 8 bytes each) fill the 2 GiB a memory plan may reach (memoryPlan.ts MAX_PLAN_BYTES). Checked
 * from the sizes alone, before a reader allocates anything.
 */
export const MAX_PARAMETERS = 2 ** 26;

export function checkCount(value: unknown, where: string, Err: new (m: string) => Error = ConfigError): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_WIDTH) {
    throw new Err(`${where} must be a positive integer (at most ${MAX_WIDTH}), got ${show(value)}`);
  }
  return value;
}

/**
 * Validates names, sizes and the pairings that the kernels rely on: softmax only on the output,
 * crossEntropy only after softmax, binaryCrossEntropy only after sigmoid.
 */
export function checkArchitecture(
  raw: { inputSize?: unknown; layers?: unknown; loss?: unknown },
  where: string,
  Err: new (m: string) => Error = ConfigError,
): Architecture {
  const wrap = <T>(f: () => T): T => {
    try { return f(); } catch (e) { throw e instanceof ConfigError && Err !== ConfigError ? new Err(e.message) : e; }
  };
  const inputSize = checkCount(raw.inputSize, `${where}.inputSize`, Err);
  if (!Array.isArray(raw.layers) || raw.layers.length === 0) {
    throw new Err(`${where}.layers must be a non-empty array of { size, activation }`);
  }
  if (raw.layers.length > MAX_LAYERS) throw new Err(`${where}.layers: ${raw.layers.length} layers, more than the ${MAX_LAYERS} a network may have`);
  const loss = wrap(() => parseLoss(raw.loss, `${where}.loss`));
  const last = raw.layers.length - 1;
  const layers = raw.layers.map((layer: unknown, l): LayerShape => {
    const at = `${where}.layers[${l}]`;
    if (typeof layer !== "object" || layer === null) throw new Err(`${at} must be an object { size, activation }`);
    const { size, activation } = layer as { size?: unknown; activation?: unknown };
    const shape = { size: checkCount(size, `${at}.size`, Err), activation: wrap(() => parseActivation(activation, `${at}.activation`)) };
    if (shape.activation === "softmax" && l !== last) {
      throw new Err(`${at}: softmax is only allowed on the output layer (it couples the units of a layer)`);
    }
    if (shape.activation === "softmax" && shape.size < 2) throw new Err(`${at}: a softmax layer needs at least 2 units`);
    return shape;
  });
  let parameters = 0, fanIn = inputSize;
  for (const layer of layers) {
    parameters += layer.size * (fanIn + 1); // rounding starts only far above MAX_PARAMETERS
    fanIn = layer.size;
  }
  if (parameters > MAX_PARAMETERS) {
    throw new Err(`${where}: ${parameters} parameters, more than the ${MAX_PARAMETERS} a network may have (its parameters, gradients and optimizer state must fit in 2 GiB)`);
  }
  const output = layers[last]!.activation;
  const required = REQUIRED_OUTPUT[loss];
  if (required && output !== required) {
    throw new Err(`${where}: loss '${loss}' needs a '${required}' output layer, but the output layer is '${output}'`);
  }
  return { inputSize, layers, loss };
}
