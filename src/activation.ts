// Activation names and the numeric ids shared with assembly/activation.ts.
import { ConfigError, listNames } from "./errors.js";

export const ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "leakyRelu", "softmax"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Numeric id of an activation, as the kernels know it (its index in ACTIVATIONS). */
export function activationId(name: Activation): number {
  return ACTIVATIONS.indexOf(name);
}

export function parseActivation(name: unknown, where: string): Activation {
  if (typeof name === "string" && (ACTIVATIONS as readonly string[]).includes(name)) return name as Activation;
  throw new ConfigError(`${where}: unknown activation ${JSON.stringify(name)}; expected one of ${listNames(ACTIVATIONS)}`);
}
