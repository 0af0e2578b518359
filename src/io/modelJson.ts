// The model format of ../shared/golden: a plain JSON object, flat row-major weights.
import { checkArchitecture } from "../architecture.js";
import { ModelFormatError } from "../errors.js";
import type { Activation } from "../activation.js";
import type { Loss } from "../loss.js";

export const MODEL_FORMAT = "wasmlp-model";
export const MODEL_VERSION = 1;

export interface ModelLayerJSON {
  size: number;
  activation: Activation;
  /** size × fan-in, row-major: weights[j * fanIn + i] connects input i to unit j. */
  weights: number[];
  biases: number[];
}

export interface ModelJSON {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  inputSize: number;
  loss: Loss;
  layers: ModelLayerJSON[];
}

function checkNumbers(value: unknown, length: number, where: string): number[] {
  if (!Array.isArray(value)) throw new ModelFormatError(`${where} must be an array of ${length} numbers`);
  if (value.length !== length) throw new ModelFormatError(`${where} has ${value.length} numbers, the layer sizes need ${length}`);
  for (let i = 0; i < length; i++) {
    const v: unknown = value[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new ModelFormatError(`${where}[${i}] must be a finite number, got ${JSON.stringify(v) ?? String(v)}`);
    }
  }
  return value as number[];
}

/** Checks every field of a parsed (or still textual) model and returns it typed. Never half-succeeds. */
export function parseModelJSON(input: unknown): ModelJSON {
  let json = input;
  if (typeof input === "string") {
    try {
      json = JSON.parse(input);
    } catch (e) {
      throw new ModelFormatError(`model: not valid JSON (${(e as Error).message})`);
    }
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ModelFormatError("model: expected a JSON object");
  const raw = json as Record<string, unknown>;
  if (raw.format !== MODEL_FORMAT) {
    throw new ModelFormatError(`model.format must be '${MODEL_FORMAT}', got ${JSON.stringify(raw.format)}`);
  }
  if (raw.version !== MODEL_VERSION) {
    throw new ModelFormatError(`model.version ${JSON.stringify(raw.version)} is not supported; this wasmlp reads version ${MODEL_VERSION}`);
  }
  const arch = checkArchitecture(raw, "model", ModelFormatError);
  let fanIn = arch.inputSize;
  const layers = arch.layers.map((shape, l): ModelLayerJSON => {
    const layer = (raw.layers as Record<string, unknown>[])[l]!;
    const at = `model.layers[${l}]`;
    const weights = checkNumbers(layer.weights, shape.size * fanIn, `${at}.weights`);
    const biases = checkNumbers(layer.biases, shape.size, `${at}.biases`);
    fanIn = shape.size;
    return { size: shape.size, activation: shape.activation, weights, biases };
  });
  return { format: MODEL_FORMAT, version: MODEL_VERSION, inputSize: arch.inputSize, loss: arch.loss, layers };
}
