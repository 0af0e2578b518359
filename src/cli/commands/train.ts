// wasmlp train <data.csv>: prepare the data (split, standardise, encode), train with live progress,
// score the held-out test rows, save the model with everything predict needs in its metadata.
import { basename, extname } from "node:path";
import { ConfigError, DataError, Network, type Activation, type BackendChoice, type ThreadsOption, type FitOptions, type LayerOptions, type Loss } from "../../index.js";
import { readCsv } from "../csv.js";
import { readTrainingRecords, reportProblems, type Task } from "../dataset.js";
import { heldOutRows } from "../../training/split.js";
import { cellText, encodeRecords, encodeTargets, fitTable, inputWidth, parseNumber, type ColumnReport, type TablePreparation } from "../../table/preparation.js";
import { architecture, count, duration, names, rowCount } from "../format.js";
import type { StoredCliMetadata, TrainingRecord } from "../metadata.js";
import { saveModel } from "../model.js";
import { classificationMetric, createProgress, regressionMetric } from "../progress.js";
import { BadRows } from "../rows.js";
import { accuracy, argmaxRows, classificationReport, predictValues, regressionReport, rmse } from "../scoring.js";

export interface TrainOptions {
  target?: string;
  task?: Task;
  features?: string[];
  ignore?: string[];
  categorical?: string[];
  numeric?: string[];
  missingIndicators: boolean;
  decimalComma?: boolean;
  delimiter?: string;
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
  threads: ThreadsOption;
  out?: string;
  skipBadRows: boolean;
}

/** Learning rates that suit standardised inputs when --lr is not given. */
export const DEFAULT_LR = { adam: 0.005, sgd: 0.05 } as const;

export async function train(dataPath: string, options: TrainOptions): Promise<void> {
  const out = options.out ?? `${basename(dataPath, extname(dataPath))}-model.wasmlp`;
  const bad = new BadRows(options.skipBadRows);
  const table = readCsv(dataPath, options.delimiter);
  const target = options.target ?? table.header[table.header.length - 1]!;
  const decimalComma = options.decimalComma ?? false;
  const read = readTrainingRecords(table, target, options.task, bad, decimalComma);
  const columnChoices = {
    target, task: read.task, features: options.features, ignore: options.ignore, categorical: options.categorical, numeric: options.numeric,
    missingIndicators: options.missingIndicators, decimalComma,
  };
  // Each column's kind, and the class list, from every usable row; then the rows whose cells cannot be prepared are bad.
  const kinds = fitTable(read.records, columnChoices);
  const failed = reportProblems(table, read.lines, encodeRecords(kinds.preparation, read.records).problems, bad);
  const records = read.records.filter((_, r) => !failed.has(r));
  const skipped = bad.summary();
  if (skipped) console.error(`warning: ${skipped}`);
  if (records.length === 0) throw new DataError(`${dataPath}: no usable rows (${bad.count} bad rows skipped)`);

  // ——— split (stratified by class for classification), then every statistic from the training rows only ———
  const n = records.length;
  const allClasses = kinds.preparation.target.classes; // every class of the file gets an output
  const labels = allClasses && records.map((r) => allClasses.indexOf(cellText(r[target])!));
  const { train: trainRows, validation: valRows, test: testRows } = splitRows(n, options.seed, options.testSplit, options.valSplit, labels);
  if (trainRows.length === 0) throw new DataError(`${dataPath}: ${n} usable rows leave none for training after the test and validation splits`);
  const pick = (rows: number[]) => rows.map((r) => records[r]!);
  const used = kinds.preparation.columns;
  const fitted = fitTable(pick(trainRows), {
    ...columnChoices, features: used.map((c) => c.name), ignore: undefined, ...(allClasses ? { classes: allClasses } : {}),
    numeric: used.filter((c) => c.kind === "numeric").map((c) => c.name), categorical: used.filter((c) => c.kind === "categorical").map((c) => c.name),
  });
  const { preparation } = fitted;
  const classes = preparation.target.classes ?? [];
  const targetScaling = preparation.target.scaling;
  // Every row passed the kinds' preparation, so none can fail this one (categories only unseen, which is no failure).
  const inputs = (rows: number[], what?: string) => {
    const encoded = encodeRecords(preparation, pick(rows));
    if (what) for (const [column, k] of Object.entries(encoded.unseen)) console.error(`warning: column '${column}': ${count(k)} ${what} rows have a category no training row has (encoded as all zeros)`);
    return encoded.x;
  };
  const targets = (rows: number[]) => Float64Array.from(encodeTargets(preparation, pick(rows)).y.flatMap((y) => y!));
  const F = inputWidth(preparation);
  const data = { task: read.task, target, classes };

  // ——— the network ———
  const { output, loss } = outputLayer(data, options.loss);
  const net = await Network.create({
    inputSize: F,
    layers: [...options.layers.map((size): LayerOptions => ({ size, activation: options.activation })), output],
    loss,
    seed: options.seed,
    backend: options.backend,
    threads: options.threads,
  });
  const lr = options.lr ?? DEFAULT_LR[options.optimizer];
  const metadata: StoredCliMetadata = { producer: "wasmlp train", task: data.task, target: data.target, preparation };

  const what = data.task === "classification" ? `classification into ${data.classes.length} classes (${names(data.classes, 10)})` : "regression";
  console.log(`data: ${dataPath}: ${rowCount(n)}, ${preparation.columns.length} feature columns → ${F} inputs, target '${data.target}': ${what}`);
  // what the training rows say of the columns used, and why the others were left out
  const reports = kinds.columns.map((c) => fitted.columns.find((f) => f.name === c.name) ?? c);
  console.log(schemaTable(reports, preparation));
  console.log(`split: ${count(trainRows.length)} training, ${count(valRows.length)} validation, ${count(testRows.length)} test rows (seed ${options.seed})`);
  console.log(`network: ${architecture(net)}, ${loss}, ${count(net.parameterCount)} parameters; ${options.optimizer} lr ${lr}, ` +
    `batch ${options.batchSize}, ${options.epochs} epochs, ${net.backendName} backend, ${threadsText(net)}`);

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
  if (valRows.length > 0) fitOptions.validationData = { inputs: inputs(valRows, "validation"), targets: targets(valRows) };
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
    const actual = testRows.map((r) => parseNumber(cellText(records[r]![target])!, decimalComma)!), predicted = predictValues(net, inputs(testRows, "test"), targetScaling);
    record.testRmse = rmse(actual, predicted);
    console.log(regressionReport("test", data.target, actual, predicted, targetScaling.mean));
  } else {
    const actual = testRows.map((r) => classes.indexOf(cellText(records[r]![target])!)), predicted = argmaxRows(net.predict(inputs(testRows, "test")));
    record.testAccuracy = accuracy(actual, predicted);
    console.log(classificationReport("test accuracy", data.target, data.classes, actual, predicted));
  }
  metadata.training = record;
  net.metadata = metadata as unknown as Record<string, unknown>;
  await saveModel(net, out);
  console.log(`model saved to ${out}`);
  net.dispose();
}

/**
 * What train found in each column, before it trains: kind, blanks and categories in the training
 * rows, and why a column was left out. Plain numeric columns without blanks are summed up when
 * there are many (digits: 64).
 */
function schemaTable(columns: readonly ColumnReport[], preparation: TablePreparation): string {
  const indicator = new Set(preparation.columns.filter((c) => c.missingIndicator).map((c) => c.name));
  const plain = (c: ColumnReport) => c.kind === "numeric" && c.missing === 0;
  const shown = columns.length > 20 ? columns.filter((c) => !plain(c)) : columns;
  const width = Math.max(0, ...shown.map((c) => c.name.length));
  const lines = shown.map((c) => {
    const blanks = c.missing === 0 || c.kind === "left out" ? "" : `, ${count(c.missing)} blank${indicator.has(c.name) ? " (filled, and flagged in an extra input)" : " (filled)"}`;
    const detail = c.kind === "numeric" ? "" : `: ${c.detail}`;
    return `  ${c.name.padEnd(width)}  ${c.kind}${detail}${blanks}`;
  });
  const summed = columns.length - shown.length;
  if (summed > 0) lines.unshift(`  ${count(summed)} numeric columns without blanks: ${names(columns.filter(plain).map((c) => c.name), 8)}`);
  return "columns:\n" + lines.join("\n");
}

/** Seeded test, then validation rows: stratified by class when `labels` are given (the others train). */
function splitRows(n: number, seed: number, testFraction: number, valFraction: number, labels?: readonly number[]) {
  const how = labels ? "stratified" : "shuffled";
  const test = heldOutRows(n, Math.round(n * testFraction), how, seed, labels);
  const isTest = new Set(test);
  const rest = Array.from({ length: n }, (_, r) => r).filter((r) => !isTest.has(r));
  const held = heldOutRows(rest.length, Math.round(rest.length * valFraction), how, seed + 1, labels && rest.map((r) => labels[r]!));
  const isValidation = new Set(held.map((i) => rest[i]!));
  return { train: rest.filter((r) => !isValidation.has(r)), validation: rest.filter((r) => isValidation.has(r)), test };
}

/** The output layer and loss the task calls for: softmax + cross-entropy for classes, identity + squared error for values. */
function outputLayer(data: { task: Task; classes: string[] }, loss: Loss | undefined): { output: LayerOptions; loss: Loss } {
  if (data.task === "regression") {
    if (loss !== undefined && loss !== "squaredError") throw new ConfigError(`--loss ${loss} is for classification; a regression target uses squaredError`);
    return { output: { size: 1, activation: "identity" }, loss: "squaredError" };
  }
  const size = data.classes.length;
  if (loss === "binaryCrossEntropy") return { output: { size, activation: "sigmoid" }, loss };
  return { output: { size, activation: "softmax" }, loss: loss ?? "crossEntropy" };
}

/** "2 threads", or "1 thread" and why not more when that is worth saying. */
function threadsText(net: Network): string {
  return net.threads === 1 ? `1 thread${net.threadsReason ? ` (${net.threadsReason})` : ""}` : `${net.threads} threads`;
}
