// brain.js's NeuralNetwork JSON (toJSON / fromJSON), read with every field checked: a file brain.js
// wrote loads here, and one written here loads in brain.js. Weights are written in float64
// (brain.js reads them into float32).
import { ConfigError, ModelFormatError, show } from "../errors.js";
import { lookupLength, type Lookup } from "./data.js";
import { checkParameterCount, mergeTrainOptions, parameterCount, type BrainActivation, type TrainOpts } from "./options.js";

export interface BrainLayerJSON {
  weights: number[][];
  biases: number[];
}

/** The JSON brain.js 2.0's NeuralNetwork.toJSON() writes. */
export interface BrainJSON {
  type: "NeuralNetwork";
  sizes: number[];
  layers: BrainLayerJSON[];
  inputLookup: Lookup | null;
  inputLookupLength: number;
  outputLookup: Lookup | null;
  outputLookupLength: number;
  options: Record<string, unknown>;
  trainOpts: {
    activation: BrainActivation; iterations: number; errorThresh: number; log: boolean; logPeriod: number; leakyReluAlpha: number;
    learningRate: number; momentum: number; callbackPeriod: number; timeout: number | "Infinity"; praxis?: "adam";
    beta1: number; beta2: number; epsilon: number;
  };
}

/** A checked model: what fromJSON commits. */
export interface BrainModel {
  sizes: number[];
  /** Per layer 1…L: nOut × nIn weights, row-major, then the biases: wasmlp's parameter layout. */
  parameters: Float64Array;
  inputLookup: Lookup | null;
  outputLookup: Lookup | null;
  options: Record<string, unknown>;
  trainOpts: TrainOpts;
}

const RECURRENT_TYPES = ["RNN", "LSTM", "GRU", "RNNTimeStep", "LSTMTimeStep", "GRUTimeStep", "Recurrent", "FeedForward", "NeuralNetworkGPU"];

/** Reads brain.js JSON (an object, or its text), or throws a ModelFormatError naming the field. */
export function readBrainJSON(json: unknown, current: TrainOpts): BrainModel {
  if (typeof json === "string") {
    try {
      json = JSON.parse(json);
    } catch (error) {
      throw new ModelFormatError(`fromJSON: the text is not JSON (${(error as Error).message})`);
    }
  }
  const fail = (what: string) => new ModelFormatError(`fromJSON: ${what}`);
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw fail(`expected brain.js NeuralNetwork JSON (an object), not ${show(json)}`);
  const j = json as Record<string, unknown>;
  if (j.type !== undefined && j.type !== "NeuralNetwork") {
    const kind = RECURRENT_TYPES.includes(j.type as string) ? " (wasmlp/brain implements brain.js's NeuralNetwork only)" : "";
    throw fail(`type is ${show(j.type)}; wasmlp/brain reads 'NeuralNetwork' models${kind}`);
  }
  const sizes = j.sizes;
  if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((n) => Number.isInteger(n) && n >= 1 && n <= 2 ** 20)) {
    throw fail(`sizes must list at least two layer widths (whole numbers from 1), not ${show(sizes)}`);
  }
  const layers = j.layers;
  if (!Array.isArray(layers) || layers.length !== sizes.length) throw fail(`layers must be an array of ${sizes.length} (one per size, the input layer's empty), not ${show(layers)}`);
  checkParameterCount(sizes, ModelFormatError, "fromJSON: ");
  const parameters = new Float64Array(parameterCount(sizes));
  let at = 0;
  for (let l = 1; l < sizes.length; l++) {
    const layer = layers[l] as Partial<BrainLayerJSON> | null;
    const where = `layers[${l}]`;
    if (typeof layer !== "object" || layer === null) throw fail(`${where} must be { weights, biases }, not ${show(layer)}`);
    const { weights, biases } = layer;
    if (!Array.isArray(weights) || weights.length !== sizes[l]) throw fail(`${where}.weights must hold ${sizes[l]} rows (sizes[${l}]), not ${show(weights)}`);
    weights.forEach((row, j) => {
      if (!Array.isArray(row) || row.length !== sizes[l - 1]) throw fail(`${where}.weights[${j}] must hold ${sizes[l - 1]} numbers (sizes[${l - 1}]), not ${show(row)}`);
      row.forEach((w, i) => { parameters[at++] = finite(w, `${where}.weights[${j}][${i}]`, fail); });
    });
    if (!Array.isArray(biases) || biases.length !== sizes[l]) throw fail(`${where}.biases must hold ${sizes[l]} numbers (sizes[${l}]), not ${show(biases)}`);
    biases.forEach((b, j) => { parameters[at++] = finite(b, `${where}.biases[${j}]`, fail); });
  }
  const inputLookup = readLookup(j.inputLookup, j.inputLookupLength, sizes[0], "input", fail);
  const outputLookup = readLookup(j.outputLookup, j.outputLookupLength, sizes.at(-1)!, "output", fail);
  const given = j.options ?? {};
  if (typeof given !== "object" || given === null || Array.isArray(given)) throw fail(`options must be an object, not ${show(given)}`);
  // brain.js keeps whatever its constructor was given here; what is kept must be JSON again on the way out
  let options: Record<string, unknown>;
  try {
    options = JSON.parse(JSON.stringify(given)) as Record<string, unknown>;
  } catch (error) {
    throw fail(`options must hold JSON values (${(error as Error).message})`);
  }
  const { binaryThresh, hiddenLayers } = options;
  if (binaryThresh !== undefined && typeof binaryThresh !== "number") throw fail(`options.binaryThresh must be a number, not ${show(binaryThresh)}`);
  if (hiddenLayers !== undefined && hiddenLayers !== null && !(Array.isArray(hiddenLayers) && hiddenLayers.every((n) => Number.isInteger(n) && n >= 1 && n <= 2 ** 20))) {
    throw fail(`options.hiddenLayers must be a list of layer widths or null, not ${show(hiddenLayers)}`);
  }
  let trainOpts = { ...current };
  if (j.trainOpts !== undefined) {
    if (typeof j.trainOpts !== "object" || j.trainOpts === null) throw fail(`trainOpts must be an object, not ${show(j.trainOpts)}`);
    const given = { ...(j.trainOpts as Record<string, unknown>) };
    if (given.timeout === "Infinity") given.timeout = Infinity;
    if (given.praxis === null) delete given.praxis;
    try {
      trainOpts = mergeTrainOptions(current, given, "fromJSON: trainOpts");
    } catch (error) {
      if (error instanceof ConfigError) throw new ModelFormatError(error.message);
      throw error;
    }
  }
  return { sizes: [...sizes], parameters, inputLookup, outputLookup, options, trainOpts };
}

function finite(value: unknown, where: string, fail: (what: string) => Error): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw fail(`${where} is ${show(value)}, not a finite number`);
  return value;
}

function readLookup(table: unknown, length: unknown, width: number, side: string, fail: (what: string) => Error): Lookup | null {
  if (table === null || table === undefined) return null;
  if (typeof table !== "object" || Array.isArray(table)) throw fail(`${side}Lookup must be an object of name → position, or null; not ${show(table)}`);
  const seen = new Set<number>();
  for (const [name, at] of Object.entries(table)) {
    if (!Number.isInteger(at) || at < 0 || at >= width || seen.has(at)) {
      throw fail(`${side}Lookup['${name}'] is ${show(at)}: positions must be distinct whole numbers from 0 to ${width - 1} (the ${side} layer's width)`);
    }
    seen.add(at);
  }
  const lookup = { ...(table as Lookup) };
  if (lookupLength(lookup) !== width) throw fail(`${side}Lookup names ${Object.keys(lookup).length} ${side}s; the ${side} layer has ${width}`);
  if (length !== undefined && length !== width) throw fail(`${side}LookupLength is ${show(length)}; the ${side} layer has ${width}`);
  return lookup;
}

/**
 * brain.js's getTrainOptsJSON: the options as plain values (log as a flag, an infinite timeout as
 * text). Unbounded iterations are written as 2^53 − 1: JSON has no Infinity (brain.js writes null,
 * which neither library reads back), and brain.js reads only numbers there.
 */
export function trainOptsJSON(o: TrainOpts): BrainJSON["trainOpts"] {
  return {
    activation: o.activation, iterations: o.iterations === Infinity ? Number.MAX_SAFE_INTEGER : o.iterations, errorThresh: o.errorThresh, log: o.log !== false, logPeriod: o.logPeriod,
    leakyReluAlpha: o.leakyReluAlpha, learningRate: o.learningRate, momentum: o.momentum, callbackPeriod: o.callbackPeriod,
    timeout: o.timeout === Infinity ? "Infinity" : o.timeout, ...(o.praxis ? { praxis: o.praxis } : {}),
    beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon,
  };
}
