// The source of brain.js's toFunction(): the whole network as one expression per output, weights
// written in, so it runs with no library at all. The shape follows brain.js's: each unit is
// (bias + w·input …) inside its activation; named inputs and outputs go through the lookups. The
// inputs stay float64 (brain.js copies them into a Float32Array).
import type { BrainActivation } from "./options.js";
import type { Lookup } from "./data.js";
import { DataError } from "../errors.js";

export function functionSource(
  sizes: number[], weights: Float64Array[][], biases: Float64Array[], activation: BrainActivation, alpha: number,
  inputLookup: Lookup | null, outputLookup: Lookup | null,
): string {
  let needsVar = false;
  const unit = (layer: number, node: number): string => {
    if (layer === 0) return `(input[${node}]||0)`;
    const terms = Array.from(weights[layer]![node]!, (w, k) => `${w < 0 || Object.is(w, -0) ? "" : "+"}${w}*${unit(layer - 1, k)}`);
    const sum = `(${biases[layer]![node]}${terms.join("")})`;
    switch (activation) {
      case "sigmoid": return `1/(1+1/Math.exp(${sum}))`;
      case "relu": needsVar = true; return `((v=${sum})<0?0:v)`;
      case "leaky-relu": needsVar = true; return `Math.max((v=${sum}),${alpha}*v)`;
      case "tanh": return `Math.tanh(${sum})`;
    }
  };
  const names = (table: Lookup) => {
    const keys = Object.keys(table);
    const bad = keys.find((key) => key.includes('"') || key.includes("\\") || /[\n\r\u2028\u2029]/.test(key));
    if (bad !== undefined) throw new DataError(`toFunction: the name ${JSON.stringify(bad)} cannot be written into the function's source`);
    return keys;
  };
  const last = sizes.length - 1;
  const outputs = Array.from({ length: sizes[last]! }, (_, node) => unit(last, node));
  const prologue = inputLookup
    ? `input = [${names(inputLookup).sort((a, b) => inputLookup[a]! - inputLookup[b]!).map((key) => `input["${key}"]`).join(",")}];`
    : "";
  const result = outputLookup
    ? `{${names(outputLookup).map((key) => `"${key}":${outputs[outputLookup[key]!]}`).join(",")}}`
    : `[${outputs.join(",")}]`;
  return `${prologue}${needsVar ? "var v;" : ""}return ${result};`;
}
