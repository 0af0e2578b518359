// The command line on tables as they come: text categories, blank cells, an id column, a constant
// column; ';' and tab files; a held-out file with its columns in another order, blanks and an
// unseen category; the reports (schema, per-class precision/recall, regression against the mean).
import { readFileSync, writeFileSync } from "node:fs";
import { parse as parseCsv } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { ok, scratch, wasmlp } from "./cliRun.js";
import { Random } from "../src/random.js";
import { penguins } from "./helpers.js";

const tmp = scratch("wasmlp-tables-");
const COLUMNS = ["id", "study", "island", "bill_length_mm", "flipper_length_mm", "sex", "species"];
function writeTable(name: string, records: Record<string, unknown>[], columns = COLUMNS, separator = ","): string {
  const text = [columns.join(separator), ...records.map((r) => columns.map((c) => String(r[c] ?? "")).join(separator))].join("\n") + "\n";
  writeFileSync(tmp(name), text);
  return tmp(name);
}
const percentAfter = (text: string, label: string) => Number(new RegExp(`${label}: ([\\d.]+) %`).exec(text)?.[1]);

describe("wasmlp train on a mixed table", () => {
  const table = writeTable("penguins.csv", penguins(300, 5));
  const model = tmp("penguins.wasmlp");
  const out = ok("train", table, "--target", "species", "--epochs", "40", "--seed", "2", "--out", model);

  it("infers the schema, says what it left out and why, and learns", () => {
    expect(out).toContain("data: " + table + ": 300 rows, 4 feature columns → 9 inputs, target 'species': classification into 3 classes (Adelie, Chinstrap, Gentoo)");
    for (const line of [
      "  id                 left out: 300 distinct values in 300 rows: an id or free text (--categorical id forces it in)",
      "  study              left out: constant ('PAL0708'): it cannot tell rows apart",
      "  island             categorical: Biscoe, Dream, Torgersen",

      "  flipper_length_mm  numeric",
    ]) expect(out).toContain(line);
    // blanks as the training rows have them (the split is seeded: 180 of the 300 rows train)
    expect(out).toMatch(/\n {2}bill_length_mm {5}numeric, \d+ blank \(filled, and flagged in an extra input\)\n/);
    expect(out).toMatch(/\n {2}sex {16}categorical: female, male, \d+ blank \(filled, and flagged in an extra input\)\n/);
    expect(percentAfter(out, "test accuracy")).toBeGreaterThanOrEqual(90);
    expect(out).toMatch(/Adelie +\d+\.\d % +\d+\.\d % +\d+/); // per-class precision and recall
  });

  it("predicts a held-out file with columns in another order, blanks, an unseen category, and an id column", () => {
    const held = penguins(30, 77);
    held[0]!.island = "Anvers";
    held[1]!.bill_length_mm = "";
    const file = writeTable("held.csv", held, ["species", "sex", "flipper_length_mm", "island", "id", "bill_length_mm"]);
    const r = wasmlp("predict", model, file, "--id", "id");
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe("warning: column 'island': 1 row has a category the model never saw (encoded as all zeros; --strict refuses such rows)");
    const rows = parseCsv(r.stdout, { from_line: 1 }) as string[][];
    expect(rows[0]).toEqual(["id", "species"]);
    expect(rows.slice(1).map((row) => row[0])).toEqual(held.map((h) => h.id));
    const right = rows.slice(1).filter((row, i) => row[1] === held[i]!.species).length;
    expect(right).toBeGreaterThanOrEqual(27);

    const strict = wasmlp("predict", model, file, "--strict");
    expect(strict.code).toBe(3);
    expect(strict.stderr.trim()).toMatch(/held\.csv, line 2, column 'island': unseen category 'Anvers' \(training saw Biscoe, Dream, Torgersen\)$/);
    const skipped = wasmlp("predict", model, file, "--strict", "--skip-bad-rows");
    expect(skipped.stdout.trim().split("\n")).toHaveLength(30); // header + 29
  });

  it("evaluates with per-class precision and recall, and explains a row given in the data's own terms", () => {
    const evaluated = ok("evaluate", model, writeTable("eval.csv", penguins(60, 8)));
    expect(evaluated).toContain("per class (precision: of the rows predicted as the class, how many are; recall: of the rows of the class, how many were found):");
    expect(evaluated).toMatch(/Gentoo +\d+\.\d % +\d+\.\d % +20/);
    const explained = ok("explain", "--model", model, "--input", "Dream,48.9,,male", "--target-values", "Chinstrap");
    expect(explained).toContain("input   x = Dream, 48.9, , male   (island, bill_length_mm, flipper_length_mm, sex)");
    expect(explained).toContain("target  y = [0, 1, 0]   (class 'Chinstrap')");
    const bad = wasmlp("explain", "--model", model, "--input", "Atlantis,48.9,200,male", "--target-values", "Chinstrap");
    expect([bad.code, bad.stderr.trim()]).toEqual([2, "error: --input: column 'island': unseen category 'Atlantis' (training saw Biscoe, Dream, Torgersen)"]);
  });

  it("honours --ignore, --features, --categorical and --numeric, and keeps the choices in the model", () => {
    const narrow = ok("train", table, "--target", "species", "--ignore", "island,sex", "--categorical", "flipper_length_mm", "--epochs", "2", "--out", tmp("narrow.json"));
    expect(narrow).toContain("2 feature columns → ");
    expect(narrow).toContain("  flipper_length_mm  categorical: ");
    expect(ok("inspect", tmp("narrow.json"))).toMatch(/flipper_length_mm: categorical, \d+ categories/);
    const only = ok("train", table, "--target", "species", "--features", "bill_length_mm", "--epochs", "2", "--out", tmp("only.json"));
    expect(only).toContain("1 feature columns → 2 inputs");
    const forced = wasmlp("train", table, "--target", "species", "--numeric", "island", "--epochs", "2", "--out", tmp("forced.json"));
    expect([forced.code, forced.stderr.trim()]).toEqual([3, "error: column 'island' is to be numeric but has no number in the training rows"]);
  });
});

describe("separators", () => {
  const records = penguins(120, 6);
  it.each([[";", "semicolon.csv"], ["\t", "tabs.tsv"]])("a '%s' file is read by detection and by --delimiter", (separator, name) => {
    const file = writeTable(name, records, COLUMNS, separator);
    for (const extra of [[], ["--delimiter", separator === "\t" ? "tab" : separator]]) {
      const out = ok("train", file, "--target", "species", "--epochs", "2", "--out", tmp(`${name}.json`), ...extra);
      expect(out).toContain("120 rows, 4 feature columns → 9 inputs");
    }
  });

  it("a decimal comma gets a hint, and --decimal-comma reads it (and the model remembers)", () => {
    const file = tmp("decimal.csv");
    writeFileSync(file, "a;b;y\n" + Array.from({ length: 12 }, (_, i) => `${i};${i === 4 ? "3,5" : i};${i % 2}`).join("\n") + "\n");
    const r = wasmlp("train", file, "--delimiter", ",");
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/only the target column 'a;b;y'|no feature columns/);
    const detected = wasmlp("train", file, "--out", tmp("decimal.json"));
    expect([detected.code, detected.stderr.trim()]).toEqual([3, "error: column 'b': '3,5' looks like a number with a decimal comma; read such numbers with --decimal-comma (library: decimalComma: true), or write 3.5"]);
    const read = ok("train", file, "--decimal-comma", "--epochs", "2", "--out", tmp("decimal.json"));
    expect(read).toContain("  b  numeric");
    writeFileSync(tmp("decimal-new.csv"), "a;b\n1;2,25\n");
    expect(ok("predict", tmp("decimal.json"), tmp("decimal-new.csv")).trim().split("\n")).toHaveLength(2);
    writeFileSync(tmp("prices-comma.csv"), "x;price\n" + Array.from({ length: 40 }, (_, i) => `${i};${(100 + i * 2.5).toFixed(2).replace(".", ",")}`).join("\n") + "\n");
    expect(ok("train", tmp("prices-comma.csv"), "--decimal-comma", "--epochs", "2", "--out", tmp("prices-comma.json"))).toContain("target 'price': regression");
  });
});

describe("regression reports", () => {
  it("RMSE, MAE and R² beside the baseline of predicting the training mean", () => {
    const random = new Random(3);
    const rows = Array.from({ length: 200 }, () => {
      const size = random.next() < 0.5 ? "small" : "large", x = random.next() * 10;
      return `${size},${x.toFixed(3)},${((size === "large" ? 1000 : 500) + 20 * x + random.uniform(5)).toFixed(2)}`;
    });
    writeFileSync(tmp("prices.csv"), "size,x,price\n" + rows.join("\n") + "\n");
    const out = ok("train", tmp("prices.csv"), "--epochs", "150", "--out", tmp("prices.json"));
    const number = (label: string) => Number(new RegExp(`${label}: (-?[\\d.e]+)`).exec(out)?.[1]);
    expect(number("test RMSE")).toBeLessThan(30);
    expect(number("R²")).toBeGreaterThan(0.95);
    const baseline = Number(/baseline \(always the training mean [\d.]+\): RMSE ([\d.]+)/.exec(out)?.[1]);
    expect(baseline).toBeGreaterThan(200);
    expect(number("test RMSE")).toBeLessThan(baseline);
    expect(out).not.toContain("no better than predicting the mean");
    expect(readFileSync(tmp("prices.json"), "utf8")).toContain("\"preparation\"");
  });
});

describe("models saved before the table preparation", () => {
  it("still predict: their numeric features and scaling become a preparation; a blank cell is filled with a warning", () => {
    ok("train", "data/iris.csv", "--epochs", "40", "--seed", "4", "--out", tmp("iris-now.json"));
    const model = JSON.parse(readFileSync(tmp("iris-now.json"), "utf8"));
    const columns = model.metadata.preparation.columns as { name: string; mean: number; std: number }[];
    model.metadata = {
      producer: "wasmlp train", task: "classification", target: "species", classes: ["setosa", "versicolor", "virginica"],
      features: columns.map((c) => c.name), featureScaling: { mean: columns.map((c) => c.mean), std: columns.map((c) => c.std) },
    };
    writeFileSync(tmp("iris-legacy.json"), JSON.stringify(model));
    expect(ok("predict", tmp("iris-legacy.json"), "data/iris.csv")).toEqual(ok("predict", tmp("iris-now.json"), "data/iris.csv"));
    writeFileSync(tmp("iris-blank.csv"), "sepal_length,sepal_width,petal_length,petal_width\n5.1,,1.4,0.2\n");
    const r = wasmlp("predict", tmp("iris-legacy.json"), tmp("iris-blank.csv"));
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toMatch(/^warning: column 'sepal_width': 1 row has a blank cell, which training never had \(filled with [\d.]+\)$/);
  });
});
