// Loss names and the numeric ids shared with assembly/loss.ts.
import { ConfigError, listNames } from "./errors.js";
import type { Activation } from "./activation.js";

export const LOSSES = ["squaredError", "crossEntropy", "binaryCrossEntropy"] as const;
export type Loss = (typeof LOSSES)[number];

export function lossId(name: Loss): number {
  return LOSSES.indexOf(name);
}

export function parseLoss(name: unknown, where: string): Loss {
  if (typeof name === "string" && (LOSSES as readonly string[]).includes(name)) return name as Loss;
  throw new ConfigError(`${where}: unknown loss ${JSON.stringify(name)}; expected one of ${listNames(LOSSES)}`);
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
