#!/usr/bin/env node
// The wasmlp command line: commander wiring only; each command lives in src/cli/commands/.
import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { ACTIVATIONS, LOSSES } from "./index.js";
import { enableRelaxedSimd } from "./node.js";
import { errorLine, EXIT, exitCodeFor } from "./cli/errors.js";
import { TASKS } from "./cli/dataset.js";
import { MAX_INTEGER_CLASSES } from "./table/preparation.js";
import { activationList, delimiter, epochCount, fraction, layerSizes, nameList, positiveInteger, positiveNumber, seed, threadCount } from "./cli/options.js";
import { evaluate, type EvaluateOptions } from "./cli/commands/evaluate.js";
import { explain, type ExplainOptions } from "./cli/commands/explain.js";
import { inspect } from "./cli/commands/inspect.js";
import { exportModel, importModel, type ExportOptions, type ImportOptions } from "./cli/commands/interop.js";
import { predict, type PredictOptions } from "./cli/commands/predict.js";
import { DEFAULT_LR, train, type TrainOptions } from "./cli/commands/train.js";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

const backendOption = () => new Option("--backend <name>", "compute backend (wasm-fma: fused multiply-add, ~10–15 % faster, last bits may differ between machines)")
  .choices(["auto", "wasm", "wasm-fma", "ts"]).default("auto");
const threadsOption = (fallback: "auto" | number) => new Option("--threads <n>", "threads to train and predict on: a count or 'auto' (every core, up to 8); the results are the same bits for any count")
  .argParser(threadCount).default(fallback);
const skipOption = () => new Option("--skip-bad-rows", "skip rows that fail a check (and say how many) instead of stopping at the first");
const delimiterOption = () => new Option("--delimiter <char>", "column separator: ',', ';', '|' or 'tab' (default: detected from the header row)").argParser(delimiter);
const strictOption = () => new Option("--strict", "a category the model never saw makes a bad row (default: encoded as all zeros, with a warning)");

const program = new Command("wasmlp")
  .description("Train, apply and explain multi-layer perceptrons (float64 WebAssembly, or pure TypeScript).")
  .version(version)
  .showSuggestionAfterError()
  .exitOverride(); // errors come back here as CommanderErrors, so that every exit code is ours

program.command("train")
  .description("train a network on a CSV file with a header row; the target column decides the task")
  .argument("<data.csv>", "training data: a header row; numbers, text categories and blank cells are all fine")
  .option("--target <column>", "target column (default: the last column)")
  .option("--features <columns>", "use only these columns as features (comma-separated)", nameList)
  .option("--ignore <columns>", "leave these columns out (comma-separated)", nameList)
  .option("--categorical <columns>", "treat these columns as categories (one input per category), even if they hold numbers", nameList)
  .option("--numeric <columns>", "treat these columns as numbers (a cell that is not one is a bad row)", nameList)
  .option("--no-missing-indicators", "no extra 0/1 input per column that had blank cells")
  .option("--decimal-comma", "numbers are written with a decimal comma (7,23): files with ';' or tab between columns")
  .addOption(delimiterOption())
  .addOption(new Option("--task <task>", `override the inferred task: class labels (any non-numeric value, or at most ${MAX_INTEGER_CLASSES} distinct integers) → classification, otherwise regression`).choices(TASKS))
  .addOption(new Option("--layers <sizes>", "hidden layer sizes, comma-separated ('none' for no hidden layer)").argParser(layerSizes).default([32], "32"))
  .addOption(new Option("--activation <name>", "hidden-layer activation").choices(ACTIVATIONS.filter((a) => a !== "softmax")).default("relu"))
  .addOption(new Option("--loss <name>", "loss (default: crossEntropy for classes, squaredError for values)").choices(LOSSES))
  .addOption(new Option("--optimizer <name>", "optimizer").choices(["adam", "sgd"]).default("adam"))
  .option("--lr <rate>", `learning rate (default: ${DEFAULT_LR.adam} for adam, ${DEFAULT_LR.sgd} for sgd)`, positiveNumber)
  .option("--epochs <n>", "epochs", epochCount, 30)
  .option("--batch-size <n>", "mini-batch size", positiveInteger, 32)
  .option("--val-split <fraction>", "fraction of the non-test rows held out for validation (0: none)", fraction, 0.2)
  .option("--test-split <fraction>", "fraction of all rows held out for the final test (0: none)", fraction, 0.2)
  .option("--seed <n>", "seed of the split, the weights and the shuffles", seed, 42)
  .option("--early-stop <patience>", "stop after this many epochs without a better validation loss; keep the best weights", positiveInteger)
  .addOption(backendOption())
  .addOption(threadsOption("auto"))
  .option("--out <file>", "where to save the model: .json for JSON, anything else binary (default: <data>-model.wasmlp)")
  .addOption(skipOption())
  .action((data: string, options: TrainOptions) => train(data, options));

program.command("predict")
  .description("predict the target of every row (the target column may be present or not)")
  .argument("<model>", "a model saved by 'wasmlp train'")
  .argument("<data.csv>", "rows with the model's feature columns, in any order")
  .option("--out <file>", "write the predictions CSV here (default: stdout)")
  .option("--probabilities", "add one probability column per class")
  .option("--id <column>", "copy this column (a row id) to the output beside each prediction")
  .addOption(delimiterOption())
  .addOption(strictOption())
  .addOption(backendOption())
  .addOption(threadsOption(1))
  .addOption(skipOption())
  .action((model: string, data: string, options: PredictOptions) => predict(model, data, { ...options, probabilities: options.probabilities ?? false, strict: options.strict ?? false }));

program.command("evaluate")
  .description("loss, and accuracy with a confusion matrix and per-class precision and recall (classes), or RMSE, MAE and R² (values), on labelled data")
  .argument("<model>", "a model saved by 'wasmlp train'")
  .argument("<data.csv>", "rows with the model's feature columns and its target column")
  .addOption(delimiterOption())
  .addOption(strictOption())
  .addOption(backendOption())
  .addOption(threadsOption(1))
  .addOption(skipOption())
  .action((model: string, data: string, options: EvaluateOptions) => evaluate(model, data, { ...options, strict: options.strict ?? false }));

program.command("export")
  .description("write a model as ONNX (for onnxruntime, PyTorch tools) or as a safetensors state_dict (for PyTorch)")
  .argument("<model>", "a model file (binary or JSON)")
  .addOption(new Option("--format <format>", "onnx or safetensors (default: from --out, else onnx)").choices(["onnx", "safetensors"]))
  .option("--float32", "ONNX in float32 (default float64: the model's own numbers)")
  .option("--out <file>", "where to write it (default: the model's name with .onnx or .safetensors)")
  .action((model: string, options: ExportOptions) => exportModel(model, options));

program.command("import")
  .description("read an MLP from ONNX or safetensors (as PyTorch writes them) and save it as a wasmlp model")
  .argument("<file>", "an .onnx or .safetensors file")
  .option("--activations <names>", "safetensors: the activation of each Linear layer, comma-separated (e.g. relu,softmax)", activationList)
  .addOption(new Option("--loss <name>", "the loss to train it with later (default: the file's, else crossEntropy after softmax, squaredError otherwise)").choices(LOSSES))
  .addOption(backendOption())
  .option("--out <file>", "where to save the model: .json for JSON, anything else binary (default: <file>.wasmlp)")
  .action((file: string, options: ImportOptions) => importModel(file, options));

program.command("inspect")
  .description("architecture, parameter count, loss, training record, task, classes and features of a model")
  .argument("<model>", "a model file (binary or JSON)")
  .action((model: string) => inspect(model));

program.command("explain")
  .description("back-propagation on one example, number by number: forward pass, node errors, deltas, gradients, one SGD step")
  .option("--model <file>", "a model file, or a golden case JSON with a batch (default: the seed article's 3 → 4 → 2 example, shipped as data/seed-3-4-2.json)")
  .option("--input <values>", "the example's inputs, comma-separated (for a model made by 'wasmlp train': one value per column, in the data's own units)")
  .option("--target-values <values>", "the example's targets, comma-separated (or a class name, for a model made by 'wasmlp train')")
  .option("--lr <rate>", "learning rate of the SGD step (default: the case's, else 0.5)", positiveNumber)
  .option("--digits <n>", "significant digits printed", positiveInteger, 12)
  .addOption(backendOption())
  .action((options: ExplainOptions) => explain(options));

// Node 20 keeps WebAssembly relaxed SIMD behind a V8 flag (Node 22 has it on): for --backend
// wasm-fma the CLI turns it on itself, before any module is compiled.
program.hook("preAction", (_program, command) => {
  if (command.opts().backend === "wasm-fma") enableRelaxedSimd();
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage; // commander has printed its message
  } else {
    process.stderr.write(errorLine(error) + "\n");
    process.exitCode = exitCodeFor(error);
  }
}
