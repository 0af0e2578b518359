// Activation names. Their numeric ids (kernels, binary files) are the explicit table ActivationId
// of abi.ts, not positions in this list.
import { ActivationId } from "./abi.js";
import { ConfigError, listNames, show } from "./errors.js";

export const ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "leakyRelu", "softmax"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Numeric id of an activation, as the kernels and the binary format know it. */
export function activationId(name: Activation): number {
  return ActivationId[name];
}

/** The activation with this id, or undefined. */
export function activationFromId(id: number): Activation | undefined {
  return ACTIVATIONS.find((name) => ActivationId[name] === id);
}

export function parseActivation(name: unknown, where: string): Activation {
  if (typeof name === "string" && (ACTIVATIONS as readonly string[]).includes(name)) return name as Activation;
  throw new ConfigError(`${where}: unknown activation ${show(name)}; expected one of ${listNames(ACTIVATIONS)}`);
}
