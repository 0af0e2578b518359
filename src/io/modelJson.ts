// The model format of the golden cases (test/golden/README.md): a plain JSON object, flat row-major weights.
import { checkArchitecture } from "../architecture.js";
import { ConfigError, ModelFormatError, clip, show } from "../errors.js";
import type { Activation } from "../activation.js";
import type { Loss } from "../loss.js";
import { checkOptimizerConfig, type OptimizerConfig } from "../optimizerConfig.js";
import { MAX_EPOCHS_TRAINED, MAX_STEPS, parameterCount, type SavedNetwork, type SavedTraining } from "./saved.js";
import { readBetaPowers } from "./binary.js";
import { copyMetadata } from "./metadata.js";

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
  /** Checkpoints only: where training stands, so a stopped run resumes exactly. */
  training?: TrainingJSON;
  /** The application's own JSON object (feature scaling, class names, …), kept verbatim. */
  metadata?: Record<string, unknown>;
}

export interface TrainingJSON {
  epochs: number;
  seed?: number;
  optimizer?: OptimizerConfig & {
    baseLr: number;
    step: number;
    /** Adam's β1^t and β2^t as the kernels built them (optional: older files lack them). */
    beta1Power?: number;
    beta2Power?: number;
    /** SGD momentum buffer / Adam first moment, in parameter order (W¹ b¹ W² b² …). */
    state1: number[];
    /** Adam second moment (zeros for SGD). */
    state2: number[];
  };
}

function checkNumbers(value: unknown, length: number, where: string): number[] {
  if (!Array.isArray(value)) throw new ModelFormatError(`${where} must be an array of ${length} numbers`);
  if (value.length !== length) throw new ModelFormatError(`${where} has ${value.length} numbers, the layer sizes need ${length}`);
  for (let i = 0; i < length; i++) {
    const v: unknown = value[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new ModelFormatError(`${where}[${i}] must be a finite number, got ${show(v)}`);
    }
  }
  return value as number[];
}

export function jsonFromSaved(saved: SavedNetwork): ModelJSON {
  let at = 0;
  const json: ModelJSON = {
    format: MODEL_FORMAT, version: MODEL_VERSION, inputSize: saved.arch.inputSize, loss: saved.arch.loss,
    layers: saved.arch.layers.map((layer, l) => {
      const fanIn = l === 0 ? saved.arch.inputSize : saved.arch.layers[l - 1]!.size;
      const weights = Array.from(saved.params.subarray(at, at + layer.size * fanIn));
      at += layer.size * fanIn;
      const biases = Array.from(saved.params.subarray(at, at + layer.size));
      at += layer.size;
      return { size: layer.size, activation: layer.activation, weights, biases };
    }),
  };
  if (saved.metadata !== undefined) json.metadata = saved.metadata;
  const t = saved.training;
  if (t) {
    json.training = { epochs: t.epochs, ...(t.seed === undefined ? {} : { seed: t.seed }) };
    if (t.optimizer) {
      const o = t.optimizer;
      json.training.optimizer = {
        ...o.config, baseLr: o.baseLr, step: o.step, ...(o.betaPowers ? { beta1Power: o.betaPowers[0], beta2Power: o.betaPowers[1] } : {}),
        state1: Array.from(o.state1), state2: Array.from(o.state2),
      };
    }
  }
  return json;
}

/**
 * A model or checkpoint file in JSON form (an object or its text), every field checked, as the
 * encoding-free SavedNetwork. Never half-succeeds.
 */
export function savedFromJSON(input: unknown): SavedNetwork {
  let parsed = input;
  if (typeof input === "string") {
    try {
      parsed = JSON.parse(input);
    } catch (e) {
      throw new ModelFormatError(`model: not valid JSON (${clip((e as Error).message, 160)})`);
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ModelFormatError("model: expected a JSON object");
  const raw = parsed as Record<string, unknown>;
  if (raw.format !== MODEL_FORMAT) {
    throw new ModelFormatError(`model.format must be '${MODEL_FORMAT}', got ${show(raw.format)}`);
  }
  if (raw.version !== MODEL_VERSION) {
    throw new ModelFormatError(`model.version ${show(raw.version)} is not supported; this wasmlp reads version ${MODEL_VERSION}`);
  }
  const arch = checkArchitecture(raw, "model", ModelFormatError);
  // Parameters in plan order (W¹ b¹ W² b² …): every array checked against the layer sizes first,
  // so that sizes the file only claims never cost an allocation.
  let fanIn = arch.inputSize;
  const arrays = arch.layers.flatMap((shape, l) => {
    const layer = (raw.layers as Record<string, unknown>[])[l]!;
    const at = `model.layers[${l}]`;
    const weights = checkNumbers(layer.weights, shape.size * fanIn, `${at}.weights`);
    fanIn = shape.size;
    return [weights, checkNumbers(layer.biases, shape.size, `${at}.biases`)];
  });
  const params = new Float64Array(parameterCount(arch));
  let offset = 0;
  for (const values of arrays) {
    params.set(values, offset);
    offset += values.length;
  }
  const saved: SavedNetwork = { arch, params };
  if (raw.metadata !== undefined) {
    // a copy: a model given as an object never shares the caller's metadata
    saved.metadata = copyMetadata(raw.metadata, "model.metadata", (why) => { throw new ModelFormatError(why); });
  }
  if (raw.training !== undefined) {
    saved.training = parseTraining(raw.training, params.length);
  }
  return saved;
}

function parseTraining(value: unknown, P: number): SavedTraining {
  const fail = (message: string): never => { throw new ModelFormatError(`model.training${message}`); };
  if (typeof value !== "object" || value === null) fail(" must be an object { epochs, seed?, optimizer? }");
  const t = value as Record<string, unknown>;
  if (!Number.isInteger(t.epochs) || (t.epochs as number) < 0 || (t.epochs as number) > MAX_EPOCHS_TRAINED) {
    fail(`.epochs must be a whole number in [0, ${MAX_EPOCHS_TRAINED}], got ${show(t.epochs)}`);
  }
  // + 0: a -0 written by hand reads as 0, as the binary format's integers read it
  const training: SavedTraining = { epochs: (t.epochs as number) + 0 };
  if (t.seed !== undefined) {
    if (!Number.isInteger(t.seed) || (t.seed as number) < 0 || (t.seed as number) > 0xffffffff) fail(`.seed must be an integer in [0, 2^32), got ${show(t.seed)}`);
    training.seed = (t.seed as number) + 0;
  }
  if (t.optimizer === undefined) return training;
  if (typeof t.optimizer !== "object" || t.optimizer === null) fail(".optimizer must be an object");
  const { baseLr, step, state1, state2, beta1Power, beta2Power, ...settings } = t.optimizer as Record<string, unknown>;
  let config: OptimizerConfig;
  try {
    config = checkOptimizerConfig(settings as unknown as OptimizerConfig);
  } catch (e) {
    throw e instanceof ConfigError ? new ModelFormatError(`model.training.optimizer: ${e.message}`) : e;
  }
  if (typeof baseLr !== "number" || !(baseLr > 0) || !Number.isFinite(baseLr)) fail(`.optimizer.baseLr must be a positive number, got ${show(baseLr)}`);
  if (!Number.isInteger(step) || (step as number) < 0 || (step as number) > MAX_STEPS) fail(`.optimizer.step must be a whole number in [0, 2^53], got ${show(step)}`);
  training.optimizer = {
    config, baseLr: baseLr as number, step: (step as number) + 0,
    ...betaPowersOf(beta1Power, beta2Power, fail),
    state1: Float64Array.from(checkNumbers(state1, P, "model.training.optimizer.state1")),
    state2: Float64Array.from(checkNumbers(state2, P, "model.training.optimizer.state2")),
  };
  return training;
}

function betaPowersOf(beta1Power: unknown, beta2Power: unknown, fail: (why: string) => never): { betaPowers?: [number, number] } {
  if (beta1Power === undefined && beta2Power === undefined) return {};
  if (typeof beta1Power !== "number" || typeof beta2Power !== "number") return fail(".optimizer.beta1Power and .beta2Power must both be numbers");
  const powers = readBetaPowers(beta1Power, beta2Power, (why) => fail(`.${why}`));
  return powers ? { betaPowers: powers } : {};
}
