// How accuracy is counted for a network's output, one rule for fit() and evaluate().
import { MetricMode, type MetricModeId } from "../abi.js";
import type { Architecture } from "../architecture.js";
import { ConfigError, show } from "../errors.js";
import type { Metric } from "./types.js";

/** Sigmoid outputs: each output at 0.5; softmax or several outputs: argmax; one other output: not a classifier. */
export function accuracyMode(arch: Architecture): MetricModeId {
  const output = arch.layers[arch.layers.length - 1]!;
  if (output.activation === "sigmoid") return MetricMode.threshold;
  if (output.activation === "softmax" || output.size > 1) return MetricMode.argmax;
  return MetricMode.none;
}

/** The mode that counts `metrics` (none when no metric is asked for); a ConfigError for what cannot be counted. */
export function metricMode(arch: Architecture, metrics: readonly Metric[] | undefined): MetricModeId {
  if (metrics !== undefined && metrics !== null && !Array.isArray(metrics)) throw new ConfigError(`metrics must be an array such as ['accuracy'], got ${show(metrics)}`);
  if (!metrics || metrics.length === 0) return MetricMode.none;
  for (const m of metrics) if (m !== "accuracy") throw new ConfigError(`metrics: unknown metric ${show(m)}; expected 'accuracy'`);
  const mode = accuracyMode(arch);
  if (mode !== MetricMode.none) return mode;
  const output = arch.layers[arch.layers.length - 1]!.activation;
  throw new ConfigError(`metrics: 'accuracy' needs a classifier output (softmax, sigmoid, or several outputs), but the output is one '${output}' unit`);
}
