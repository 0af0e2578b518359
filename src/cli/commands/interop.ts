// wasmlp export / wasmlp import: models to and from ONNX and safetensors (PyTorch, onnxruntime).
// A model made by `wasmlp train` on numeric columns exports with its standardisation inside the
// graph, so the ONNX model takes raw feature values (and gives a regression target in its units).
import { readFileSync, writeFileSync } from "node:fs";
import { extname } from "node:path";
import { ConfigError, ModelFormatError, Network, type Activation, type BackendChoice, type Loss } from "../../index.js";
import { inputNames } from "../../table/preparation.js";
import { EXIT, fileProblem } from "../errors.js";
import { architecture, names } from "../format.js";
import { cliMetadata, type CliMetadata } from "../metadata.js";
import { loadModel, saveModel } from "../model.js";

export type InteropFormat = "onnx" | "safetensors";

export interface ExportOptions {
  format?: InteropFormat;
  float32?: boolean;
  out?: string;
}

export async function exportModel(modelPath: string, options: ExportOptions): Promise<void> {
  const format = options.format ?? formatOf(options.out) ?? "onnx";
  const out = options.out ?? modelPath.replace(/\.(json|wasmlp)$/i, "") + (format === "onnx" ? ".onnx" : ".safetensors");
  if (options.float32 && format !== "onnx") throw new ConfigError("--float32 is for --format onnx; safetensors files are written in float64");
  const net = await loadModel(modelPath, "ts");
  let bytes: Uint8Array, takes: string;
  if (format === "safetensors") {
    bytes = await net.toSafetensors();
    takes = `an nn.Sequential state_dict (${net.layers.map((l) => `Linear(${l.size})${l.activation === "identity" ? "" : ` + ${l.activation}`}`).join(", ")})`;
  } else {
    const meta = trainMetadata(net, modelPath);
    const raw = meta && meta.preparation.columns.every((c) => c.kind === "numeric" && !c.missingIndicator);
    const scaling = raw ? {
      inputScaling: { mean: meta.preparation.columns.map((c) => (c.kind === "numeric" ? c.mean : 0)), std: meta.preparation.columns.map((c) => (c.kind === "numeric" ? c.std : 1)) },
      ...(meta.targetScaling ? { outputScaling: meta.targetScaling } : {}),
    } : {};
    bytes = await net.toONNX({ precision: options.float32 ? "float32" : "float64", ...scaling });
    takes = !meta ? `inputs as the network takes them (${net.inputSize})`
      : raw ? `raw values of ${names(meta.preparation.columns.map((c) => c.name), 12)} (standardised inside the graph; no blank cells: fill them first)` +
        (meta.targetScaling ? `; it outputs '${meta.target}' in its units` : `; it outputs the probabilities of ${names(meta.classes!, 12)}`)
      : `the ${net.inputSize} prepared inputs (${names(inputNames(meta.preparation), 8)}): category and missing-indicator columns are prepared outside ` +
        "the graph (predictRecords or encodeRecords with the model's metadata.preparation)";
  }
  try {
    writeFileSync(out, bytes);
  } catch (error) {
    throw fileProblem(error, `cannot write ${out}`, EXIT.runtime);
  }
  console.log(`wrote ${out} (${format}${format === "onnx" ? `, ${options.float32 ? "float32" : "float64"}` : ""}, ${bytes.length.toLocaleString("en-US")} bytes): ${architecture(net)}`);
  console.log(`it takes ${takes}`);
  net.dispose();
}

export interface ImportOptions {
  activations?: Activation[];
  loss?: Loss;
  backend: BackendChoice;
  out?: string;
}

export async function importModel(path: string, options: ImportOptions): Promise<void> {
  const format = formatOf(path);
  if (!format) throw new ConfigError(`${path}: import reads .onnx and .safetensors files`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (error) {
    throw fileProblem(error, `cannot read model file ${path}`, EXIT.model);
  }
  if (format === "onnx" && options.activations) throw new ConfigError("--activations is for safetensors; an ONNX graph names its own");
  let net: Network;
  try {
    net = format === "onnx"
      ? await Network.fromONNX(bytes, { backend: options.backend, ...(options.loss ? { loss: options.loss } : {}) })
      : await Network.fromSafetensors(bytes, { backend: options.backend, ...(options.activations ? { activations: options.activations } : {}), ...(options.loss ? { loss: options.loss } : {}) });
  } catch (error) {
    if (error instanceof ModelFormatError) throw new ModelFormatError(`${path}: ${error.message}`);
    throw error;
  }
  const out = options.out ?? path.replace(/\.(onnx|safetensors)$/i, "") + ".wasmlp";
  await saveModel(net, out);
  console.log(`imported ${path}: ${architecture(net)}, loss ${net.loss}, ${net.parameterCount.toLocaleString("en-US")} parameters; saved to ${out}`);
  net.dispose();
}

const formatOf = (path: string | undefined): InteropFormat | undefined => {
  const ext = path === undefined ? "" : extname(path).toLowerCase();
  return ext === ".onnx" ? "onnx" : ext === ".safetensors" ? "safetensors" : undefined;
};

function trainMetadata(net: Network, path: string): CliMetadata | undefined {
  return net.metadata.producer === "wasmlp train" ? cliMetadata(net, path) : undefined;
}
