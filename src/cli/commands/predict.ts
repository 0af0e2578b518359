// wasmlp predict <model> <data.csv>: the model's answer for every row, as CSV — class names (and,
// on request, one probability column per class) or values in the target's units.
import { writeFileSync } from "node:fs";
import { ConfigError, type BackendChoice, type ThreadsOption } from "../../index.js";
import { csvLine, readCsv } from "../csv.js";
import { count } from "../format.js";
import { EXIT, fileProblem } from "../errors.js";
import { cliMetadata } from "../metadata.js";
import { loadModel } from "../model.js";
import { modelInputs, preparationWarnings } from "../modelData.js";
import { BadRows, columnIndex } from "../rows.js";
import { argmaxRows, predictValues } from "../scoring.js";

export interface PredictOptions {
  out?: string;
  probabilities: boolean;
  backend: BackendChoice;
  threads: ThreadsOption;
  skipBadRows: boolean;
  strict: boolean;
  delimiter?: string;
  /** A column copied to the output beside each prediction (a row id). */
  id?: string;
}

export async function predict(modelPath: string, dataPath: string, options: PredictOptions): Promise<void> {
  const net = await loadModel(modelPath, options.backend, options.threads);
  const meta = cliMetadata(net, modelPath);
  if (options.probabilities && meta.task !== "classification") throw new ConfigError("--probabilities needs a classification model; this one predicts values");
  const bad = new BadRows(options.skipBadRows);
  const table = readCsv(dataPath, options.delimiter);
  if (options.id !== undefined) columnIndex(table, options.id, "id");
  const data = modelInputs(table, meta, false, bad, options.strict);
  const skipped = bad.summary();
  if (skipped) console.error(`warning: ${skipped}`);
  for (const warning of preparationWarnings(data, meta)) console.error(warning);

  const id = (r: number) => (options.id === undefined ? [] : [String(data.records[r]![options.id] ?? "")]);
  const lines: string[] = [];
  if (meta.task === "regression") {
    lines.push(csvLine([...(options.id === undefined ? [] : [options.id]), meta.target]));
    predictValues(net, data.x, meta.targetScaling!).forEach((value, r) => lines.push(csvLine([...id(r), String(value)])));
  } else {
    const classes = meta.classes!;
    const outputs = net.predict(data.x);
    lines.push(csvLine([...(options.id === undefined ? [] : [options.id]), meta.target, ...(options.probabilities ? classes.map((c) => `p_${c}`) : [])]));
    argmaxRows(outputs).forEach((k, r) => {
      const probabilities = options.probabilities ? Array.from(outputs.row(r), (p) => String(Number(p.toPrecision(6)))) : [];
      lines.push(csvLine([...id(r), classes[k]!, ...probabilities]));
    });
  }
  net.dispose();
  const text = lines.join("\n") + "\n";
  if (options.out === undefined) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(options.out, text);
  } catch (error) {
    throw fileProblem(error, `cannot write ${options.out}`, EXIT.runtime);
  }
  console.log(`wrote ${data.rows === 1 ? "1 prediction" : `${count(data.rows)} predictions`} to ${options.out}`);
}
