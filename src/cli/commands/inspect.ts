// wasmlp inspect <model>: what a model file holds — architecture, parameters, loss, how it was
// trained, and (for models made by `wasmlp train`) its task, classes and features.
import { statSync } from "node:fs";
import type { Network } from "../../index.js";
import { architecture, count, duration, names, percent, short } from "../format.js";
import { cliMetadata, type CliMetadata } from "../metadata.js";
import { loadModel } from "../model.js";

export async function inspect(modelPath: string): Promise<void> {
  const net = await loadModel(modelPath, "ts"); // reading only: the portable backend is enough
  const bytes = statSync(modelPath).size;
  const lines = [
    `model: ${modelPath} (${count(bytes)} bytes)`,
    `architecture: ${architecture(net)}`,
    ...net.layers.map((layer, i) => {
      const fanIn = i === 0 ? net.inputSize : net.layers[i - 1]!.size;
      return `  layer ${i + 1}: ${layer.size} ${layer.activation} unit${layer.size === 1 ? "" : "s"}, ${layer.size}×${fanIn} weights + ${layer.size} biases = ${count(layer.size * (fanIn + 1))} parameters`;
    }),
    `parameters: ${count(net.parameterCount)}`,
    `loss: ${net.loss}`,
    `epochs trained: ${net.epochsTrained}`,
    `seed: ${net.seed ?? "not recorded"}`,
    ...describeTask(net, modelPath),
  ];
  console.log(lines.join("\n"));
  net.dispose();
}

function describeTask(net: Network, path: string): string[] {
  let meta: CliMetadata;
  try {
    meta = cliMetadata(net, path);
  } catch (error) {
    // metadata that claims to be train's but does not add up is a bad model file (exit 4), as for predict
    if (net.metadata.producer === "wasmlp train") throw error;
    const keys = Object.keys(net.metadata);
    return [`task: unknown (no 'wasmlp train' metadata${keys.length > 0 ? `; metadata fields: ${names(keys, 20)}` : ""})`];
  }
  const lines = meta.task === "classification"
    ? [`task: classification of '${meta.target}'`, `classes (${meta.classes!.length}): ${names(meta.classes!, 30)}`]
    : [`task: regression of '${meta.target}' (standardised with mean ${short(meta.targetScaling!.mean)}, std ${short(meta.targetScaling!.std)})`];
  lines.push(`columns (${meta.preparation.columns.length}, prepared with the training rows' statistics → ${net.inputSize} inputs):`);
  for (const c of meta.preparation.columns) {
    const blanks = c.missingIndicator ? "; blanks flagged" : "";
    lines.push(c.kind === "numeric"
      ? `  ${c.name}: numeric, mean ${short(c.mean)}, std ${short(c.std)}, blank → ${short(c.fill)}${blanks}`
      : `  ${c.name}: categorical, ${c.categories.length} categories (${names(c.categories, 12)}), blank → ${c.fill}${blanks}`);
  }
  const t = meta.training;
  if (t) {
    lines.push(
      `training data: ${t.data}, ${count(t.rows)} rows: ${count(t.trainRows)} training, ${count(t.validationRows)} validation, ` +
        `${count(t.testRows)} test${t.skippedRows > 0 ? `, ${count(t.skippedRows)} bad rows skipped` : ""}`,
      `training run: ${t.optimizer} lr ${t.lr}, batch ${t.batchSize}, ${t.epochs} epochs (${t.stopReason}), ${duration(t.seconds)}`,
    );
    if (t.testAccuracy !== undefined) lines.push(`test accuracy: ${percent(t.testAccuracy)}`);
    if (t.testRmse !== undefined) lines.push(`test RMSE: ${short(t.testRmse)}`);
  }
  return lines;
}
