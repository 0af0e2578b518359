// wasmlp evaluate <model> <data.csv>: the loss the model was trained on, then accuracy and the
// confusion matrix for classes, or RMSE in the target's units for values.
import type { BackendChoice, ThreadsOption } from "../../index.js";
import { readCsv } from "../csv.js";
import { oneHot } from "../dataset.js";
import { rowCount, short } from "../format.js";
import { cliMetadata } from "../metadata.js";
import { loadModel } from "../model.js";
import { modelInputs, preparationWarnings } from "../modelData.js";
import { BadRows } from "../rows.js";
import { argmaxRows, classificationReport, predictValues, regressionReport } from "../scoring.js";

export interface EvaluateOptions {
  backend: BackendChoice;
  threads: ThreadsOption;
  skipBadRows: boolean;
  strict: boolean;
  delimiter?: string;
}

export async function evaluate(modelPath: string, dataPath: string, options: EvaluateOptions): Promise<void> {
  const net = await loadModel(modelPath, options.backend, options.threads);
  const meta = cliMetadata(net, modelPath);
  const bad = new BadRows(options.skipBadRows);
  const data = modelInputs(readCsv(dataPath, options.delimiter), meta, true, bad, options.strict);
  const skipped = bad.summary();
  if (skipped) console.error(`warning: ${skipped}`);
  for (const warning of preparationWarnings(data, meta)) console.error(warning);
  const actual = data.y as number[]; // every row has a target: modelInputs() required one

  console.log(`data: ${dataPath}: ${rowCount(data.rows)}, target '${meta.target}'`);
  if (meta.task === "regression") {
    const scaling = meta.targetScaling!;
    const targets = Float64Array.from(actual, (v) => (v - scaling.mean) / scaling.std);
    console.log(`loss (${net.loss}, on the standardised target): ${short(net.evaluate(data.x, targets, { metrics: [] }).loss)}`);
    console.log(regressionReport("", meta.target, actual, predictValues(net, data.x, scaling), scaling.mean));
  } else {
    const targets = oneHot(actual, meta.classes!.length);
    console.log(`loss (${net.loss}): ${short(net.evaluate(data.x, targets, { metrics: [] }).loss)}`);
    console.log(classificationReport("accuracy", meta.target, meta.classes!, actual, argmaxRows(net.predict(data.x))));
  }
  net.dispose();
}
