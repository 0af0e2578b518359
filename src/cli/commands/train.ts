// wasmlp train <data.csv>: prepare the data (split, standardise, encode), train with live progress,
// score the held-out test rows, save the model with everything predict needs in its metadata.
import { basename, extname } from "node:path";
import { ConfigError, DataError, Network, type Activation, type BackendChoice, type FitOptions, type LayerOptions, type Loss } from "../../index.js";
import { readCsv } from "../csv.js";
import { fitScaling, oneHot, seededSplit, standardise, type Scaling, type Task } from "../dataset.js";
import { architecture, count, duration, names, rowCount } from "../format.js";
import type { CliMetadata, TrainingRecord } from "../metadata.js";
import { saveModel } from "../model.js";
import { classificationMetric, createProgress, regressionMetric } from "../progress.js";
import { BadRows } from "../rows.js";
import { accuracy, argmaxRows, classificationReport, predictValues, regressionReport, rmse } from "../scoring.js";
import { trainingData, type TrainingData } from "../trainingData.js";

export interface TrainOptions {
  target?: string;
  task?: Task;
  layers: number[];
  activation: Activation;
  loss?: Loss;
  optimizer: "adam" | "sgd";
  lr?: number;
  epochs: number;
  batchSize: number;
  valSplit: number;
  testSplit: number;
  seed: number;
  earlyStop?: number;
  backend: BackendChoice;
  out?: string;
  skipBadRows: boolean;
}

/** Learning rates that suit standardised inputs when --lr is not given. */
export const DEFAULT_LR = { adam: 0.005, sgd: 0.05 } as const;

export async function train(dataPath: string, options: TrainOptions): Promise<void> {
  const out = options.out ?? `${basename(dataPath, extname(dataPath))}-model.wasmlp`;
  const bad = new BadRows(options.skipBadRows);
  const data = trainingData(readCsv(dataPath), options, bad);
  const skipped = bad.summary();
  if (skipped) console.error(`warning: ${skipped}`);

  // ——— split and encode: scaling comes from the training rows only ———
  const n = data.examples.rows, F = data.features.length;
  const { kept, held: testRows } = seededSplit(n, options.seed, options.testSplit);
  const valCount = Math.round(kept.length * options.valSplit);
  const trainRows = kept.slice(0, kept.length - valCount), valRows = kept.slice(kept.length - valCount);
  if (trainRows.length === 0) throw new DataError(`${dataPath}: ${n} usable rows leave none for training after the test and validation splits`);
  const featureScaling = fitScaling(data.examples.x, F, trainRows);
  const targetScaling = data.task === "regression" ? scalingOf(trainRows.map((r) => data.y[r]!)) : undefined;
  const inputs = (rows: number[]) => standardise(data.examples.x, F, rows, featureScaling);
  const targets = (rows: number[]) => targetScaling
    ? Float64Array.from(rows, (r) => (data.y[r]! - targetScaling.mean) / targetScaling.std)
    : oneHot(rows.map((r) => data.y[r]!), data.classes.length);

  // ——— the network ———
  const { output, loss } = outputLayer(data, options.loss);
  const net = await Network.create({
    inputSize: F,
    layers: [...options.layers.map((size): LayerOptions => ({ size, activation: options.activation })), output],
    loss,
    seed: options.seed,
    backend: options.backend,
  });
  const lr = options.lr ?? DEFAULT_LR[options.optimizer];
  const metadata: CliMetadata = {
    producer: "wasmlp train",
    task: data.task,
    target: data.target,
    features: data.features,
    featureScaling,
    ...(targetScaling ? { targetScaling } : { classes: data.classes }),
  };

  const what = data.task === "classification" ? `classification into ${data.classes.length} classes (${names(data.classes, 10)})` : "regression";
  console.log(`data: ${dataPath}: ${rowCount(n)}, ${F} features, target '${data.target}': ${what}`);
  console.log(`split: ${count(trainRows.length)} training, ${count(valRows.length)} validation, ${count(testRows.length)} test rows (seed ${options.seed})`);
  console.log(`network: ${architecture(net)}, ${loss}, ${count(net.parameterCount)} parameters; ${options.optimizer} lr ${lr}, ` +
    `batch ${options.batchSize}, ${options.epochs} epochs, ${net.backendName} backend`);

  // ——— training: Ctrl-C stops after the current batch and keeps what was learnt ———
  const progress = createProgress(options.epochs, targetScaling ? regressionMetric(targetScaling.std) : classificationMetric);
  const interrupt = new AbortController();
  const onInterrupt = () => interrupt.abort();
  process.once("SIGINT", onInterrupt);
  const started = performance.now();
  const fitOptions: FitOptions = {
    epochs: options.epochs,
    batchSize: options.batchSize,
    optimizer: options.optimizer === "sgd" ? { type: "sgd", lr } : { type: "adam", lr },
    metrics: data.task === "classification" ? ["accuracy"] : [],
    onEpochEnd: (log) => progress.epoch(log),
    signal: interrupt.signal,
  };
  if (valRows.length > 0) fitOptions.validationData = { inputs: inputs(valRows), targets: targets(valRows) };
  if (options.earlyStop !== undefined) {
    fitOptions.earlyStopping = { patience: options.earlyStop, monitor: valRows.length > 0 ? "valLoss" : "loss", restoreBestWeights: true };
  }
  let history;
  try {
    history = await net.fitAsync(inputs(trainRows), targets(trainRows), fitOptions);
  } finally {
    progress.stop();
    process.removeListener("SIGINT", onInterrupt);
  }
  const seconds = (performance.now() - started) / 1000;

  // ——— summary ———
  const epochs = history.epochs.length, took = `${epochs} epochs in ${duration(seconds)}`;
  const monitored = valRows.length > 0 ? "validation loss" : "training loss";
  console.log("\n" + {
    completed: `training: ${took}`,
    earlyStopping: `training: ${took}; early stopping kept the weights of epoch ${history.bestEpoch}, the best ${monitored}`,
    aborted: `training: interrupted after ${took}`,
    callback: `training: stopped after ${took}`,
  }[history.stopReason]);
  const record: TrainingRecord = {
    data: basename(dataPath), rows: n, trainRows: trainRows.length, validationRows: valRows.length, testRows: testRows.length,
    skippedRows: bad.count, seed: options.seed, epochs, batchSize: options.batchSize, optimizer: options.optimizer, lr,
    stopReason: history.stopReason, seconds,
  };
  if (testRows.length === 0) {
    console.log("test: no test rows (--test-split 0)");
  } else if (targetScaling) {
    const actual = testRows.map((r) => data.y[r]!), predicted = predictValues(net, inputs(testRows), targetScaling);
    record.testRmse = rmse(actual, predicted);
    console.log(regressionReport("test RMSE", data.target, actual, predicted));
  } else {
    const actual = testRows.map((r) => data.y[r]!), predicted = argmaxRows(net.predict(inputs(testRows)));
    record.testAccuracy = accuracy(actual, predicted);
    console.log(classificationReport("test accuracy", data.target, data.classes, actual, predicted));
  }
  metadata.training = record;
  net.metadata = metadata as unknown as Record<string, unknown>;
  await saveModel(net, out);
  console.log(`model saved to ${out}`);
  net.dispose();
}

/** Mean and standard deviation of the regression target (std 1 when it is constant). */
function scalingOf(values: number[]): { mean: number; std: number } {
  const scaling: Scaling = fitScaling(Float64Array.from(values), 1, values.map((_, i) => i));
  return { mean: scaling.mean[0]!, std: scaling.std[0]! };
}

/** The output layer and loss the task calls for: softmax + cross-entropy for classes, identity + squared error for values. */
function outputLayer(data: TrainingData, loss: Loss | undefined): { output: LayerOptions; loss: Loss } {
  if (data.task === "regression") {
    if (loss !== undefined && loss !== "squaredError") throw new ConfigError(`--loss ${loss} is for classification; a regression target uses squaredError`);
    return { output: { size: 1, activation: "identity" }, loss: "squaredError" };
  }
  const size = data.classes.length;
  if (loss === "binaryCrossEntropy") return { output: { size, activation: "sigmoid" }, loss };
  return { output: { size, activation: "softmax" }, loss: loss ?? "crossEntropy" };
}
