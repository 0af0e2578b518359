// Loss names and what each one asks of outputs and targets. Their numeric ids (kernels, binary
// files) are the explicit table LossId of abi.ts, not positions in this list.
import { LossId } from "./abi.js";
import { ConfigError, listNames, show } from "./errors.js";
import type { Activation } from "./activation.js";

export const LOSSES = ["squaredError", "crossEntropy", "binaryCrossEntropy"] as const;
export type Loss = (typeof LOSSES)[number];

/** Numeric id of a loss, as the kernels and the binary format know it. */
export function lossId(name: Loss): number {
  return LossId[name];
}

/** The loss with this id, or undefined. */
export function lossFromId(id: number): Loss | undefined {
  return LOSSES.find((name) => LossId[name] === id);
}

export function parseLoss(name: unknown, where: string): Loss {
  if (typeof name === "string" && (LOSSES as readonly string[]).includes(name)) return name as Loss;
  throw new ConfigError(`${where}: unknown loss ${show(name)}; expected one of ${listNames(LOSSES)}`);
}

/** The output activation a loss is defined for, if it needs one in particular. */
export const REQUIRED_OUTPUT: Partial<Record<Loss, Activation>> = {
  crossEntropy: "softmax",
  binaryCrossEntropy: "sigmoid",
};

/** Targets a loss can make sense of: checked for every target before backward() uses any. */
export function targetProblem(loss: Loss, y: number): string | undefined {
  if (loss === "crossEntropy" && y < 0) return "is negative (crossEntropy targets are probabilities)";
  if (loss === "binaryCrossEntropy" && (y < 0 || y > 1)) return "is outside [0, 1] (binaryCrossEntropy targets are probabilities)";
  return undefined;
}
