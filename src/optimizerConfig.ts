// Optimizer settings as plain data, and their checks: what fit() options, model files and the
// optimizer classes share. Pure: no network, no memory.
import { checkKeys, ConfigError, nearestName, optionNames, show } from "./errors.js";

export interface SGDOptions {
  lr: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

export type OptimizerConfig = ({ type: "sgd" } & SGDOptions) | ({ type: "adam" } & AdamOptions);

/** A configuration, or just the optimizer's name for its defaults (SGD: lr 0.01; Adam: lr 0.001). */
export type OptimizerChoice = OptimizerConfig | OptimizerConfig["type"];

const SGD_OPTIONS = optionNames<{ type: "sgd" } & SGDOptions>({ type: true, lr: true, momentum: true, nesterov: true, weightDecay: true });
const ADAM_OPTIONS = optionNames<{ type: "adam" } & AdamOptions>({ type: true, lr: true, beta1: true, beta2: true, eps: true, weightDecay: true });
/** The learning rate of `optimizer: "sgd"`. */
const SGD_DEFAULT_LR = 0.01;

/** A finite number that passes `ok`, or a ConfigError that names it and the rule. */
export function setting(value: unknown, name: string, ok: (v: number) => boolean, rule: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !ok(value)) {
    throw new ConfigError(`${name} must be ${rule}, got ${show(value)}`);
  }
  return value;
}

/** A learning rate: positive and finite. */
export const checkLr = (value: unknown, name: string): number => setting(value, name, (v) => v > 0, "a positive number");

/** SGD settings with defaults filled in; throws a ConfigError naming the bad one. */
export function checkSGD(options: SGDOptions): Required<SGDOptions> {
  if (typeof options !== "object" || options === null) throw new ConfigError("SGD: expected an options object with lr");
  checkKeys(options, SGD_OPTIONS, "SGD options");
  if ((options as { type?: unknown }).type !== undefined && (options as { type?: unknown }).type !== "sgd") throw new ConfigError(`SGD options: type is ${show((options as { type?: unknown }).type)}; use new Adam(…) for Adam`);
  const lr = checkLr(options.lr, "SGD lr");
  const momentum = setting(options.momentum ?? 0, "SGD momentum", (v) => v >= 0 && v < 1, "in [0, 1)");
  const nesterov = options.nesterov ?? false;
  if (typeof nesterov !== "boolean") throw new ConfigError(`SGD nesterov must be true or false, got ${show(options.nesterov)}`);
  if (nesterov && momentum === 0) throw new ConfigError("SGD nesterov needs a momentum above 0");
  const weightDecay = setting(options.weightDecay ?? 0, "SGD weightDecay", (v) => v >= 0, "a number ≥ 0");
  return { lr, momentum, nesterov, weightDecay };
}

/** Adam settings with defaults filled in; throws a ConfigError naming the bad one. */
export function checkAdam(options: AdamOptions): Required<AdamOptions> {
  if (typeof options !== "object" || options === null) throw new ConfigError("Adam: expected an options object");
  checkKeys(options, ADAM_OPTIONS, "Adam options");
  if ((options as { type?: unknown }).type !== undefined && (options as { type?: unknown }).type !== "adam") throw new ConfigError(`Adam options: type is ${show((options as { type?: unknown }).type)}; use new SGD(…) for SGD`);
  return {
    lr: checkLr(options.lr ?? 0.001, "Adam lr"),
    beta1: setting(options.beta1 ?? 0.9, "Adam beta1", (v) => v >= 0 && v < 1, "in [0, 1)"),
    beta2: setting(options.beta2 ?? 0.999, "Adam beta2", (v) => v >= 0 && v < 1, "in [0, 1)"),
    eps: setting(options.eps ?? 1e-8, "Adam eps", (v) => v > 0, "a positive number"),
    weightDecay: setting(options.weightDecay ?? 0, "Adam weightDecay", (v) => v >= 0, "a number ≥ 0"),
  };
}

/** A configuration (or a name) with every default filled in, checked as the optimizer classes check it. */
export function checkOptimizerConfig(choice: OptimizerChoice): Required<OptimizerConfig> {
  const config: OptimizerConfig = choice === "sgd" ? { type: "sgd", lr: SGD_DEFAULT_LR } : choice === "adam" ? { type: "adam" } : choice;
  if (typeof config === "string") {
    const near = nearestName(config, ["sgd", "adam"]);
    throw new ConfigError(`optimizer must be 'sgd', 'adam' or a configuration object, got ${show(config)}${near ? ` — did you mean '${near}'?` : ""}`);
  }
  if (config?.type === "sgd") return { type: "sgd", ...checkSGD(config) };
  if (config?.type === "adam") return { type: "adam", ...checkAdam(config) };
  throw new ConfigError(`optimizer.type must be 'sgd' or 'adam', got ${show((config as { type?: unknown })?.type)}`);
}
