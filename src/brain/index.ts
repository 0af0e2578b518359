// wasmlp/brain: brain.js's NeuralNetwork, drop-in. Change `import brain from "brain.js"` to
// `import brain from "wasmlp/brain"` and the same script trains on wasmlp's kernels, with
// brain.js's options, data, results and JSON. What brain.js has beyond NeuralNetwork (recurrent
// nets, GPU, the layer API) is here as names that throw an UnsupportedError naming the class,
// never as a silent partial.
import { WasmlpError } from "../errors.js";
import { BrainDivergenceError, NeuralNetwork, likely } from "./neuralNetwork.js";

/** A brain.js class or namespace wasmlp/brain does not implement. */
export class UnsupportedError extends WasmlpError {
  constructor(message: string) { super("UNSUPPORTED", message); }
}

const HAS = "wasmlp/brain implements brain.js's NeuralNetwork (and likely); keep brain.js for";

function unsupportedClass(name: string, what: string): new (...args: unknown[]) => never {
  const holder = {
    [name]: class {
      constructor() {
        throw new UnsupportedError(`brain.${name} is not supported: ${HAS} ${what}`);
      }
    },
  };
  return holder[name] as unknown as new (...args: unknown[]) => never;
}

function unsupportedNamespace(name: string, what: string): Record<string, never> {
  // Names that inspection, printing and test matchers look up answer as for a plain object.
  const quiet = new Set(["then", "toJSON", "asymmetricMatch", "$$typeof", "__esModule", "nodeType", "inspect"]);
  return new Proxy({}, {
    get(target, key) {
      if (typeof key === "symbol" || key in Object.prototype || quiet.has(key)) return Reflect.get(target, key);
      throw new UnsupportedError(`brain.${name}.${key} is not supported: ${HAS} ${what}`);
    },
  });
}

const RECURRENT = "recurrent networks";
export const NeuralNetworkGPU = unsupportedClass("NeuralNetworkGPU", "GPU training");
export const Recurrent = unsupportedClass("Recurrent", RECURRENT);
export const FeedForward = unsupportedClass("FeedForward", "the layer API");
export const AE = unsupportedClass("AE", "autoencoders");
export const CrossValidate = unsupportedClass("CrossValidate", "cross-validation");
export const recurrent = {
  RNN: unsupportedClass("RNN", RECURRENT), LSTM: unsupportedClass("LSTM", RECURRENT), GRU: unsupportedClass("GRU", RECURRENT),
  RNNTimeStep: unsupportedClass("RNNTimeStep", RECURRENT), LSTMTimeStep: unsupportedClass("LSTMTimeStep", RECURRENT),
  GRUTimeStep: unsupportedClass("GRUTimeStep", RECURRENT),
};
export const layer = unsupportedNamespace("layer", "the layer API");
export const layerTypes = unsupportedNamespace("layerTypes", "the layer API");
export const activation = unsupportedNamespace("activation", "the layer API");
export const praxis = unsupportedNamespace("praxis", "the layer API (NeuralNetwork's praxis: 'adam' option works)");
export const utilities = unsupportedNamespace("utilities", "its utilities");
export const lookup = unsupportedNamespace("lookup", "its lookup helpers (NeuralNetwork makes and keeps its lookup tables itself)");

export { NeuralNetwork, likely, BrainDivergenceError };
export type { TestResult, BinaryTestResult, Misclass, RunOutput, Datum } from "./neuralNetwork.js";
export type { BrainJSON, BrainLayerJSON } from "./json.js";
export type { BrainDatum, BrainValues, Lookup } from "./data.js";
export type { NeuralNetworkOptions, BrainTrainOptions, BrainActivation, TrainStatus } from "./options.js";

/** brain.js's default export: `import brain from "wasmlp/brain"`. */
const brain = {
  NeuralNetwork, likely, NeuralNetworkGPU, Recurrent, FeedForward, AE, CrossValidate, recurrent,
  layer, layerTypes, activation, praxis, utilities, lookup,
};
export default brain;
